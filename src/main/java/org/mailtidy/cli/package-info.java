/** The command line: parses arguments, loads the configuration and hands over to the engine or the scheduler. */
package org.mailtidy.cli;
