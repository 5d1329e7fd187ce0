/** The command line: parses arguments, loads the configuration and hands over to the engine (once, explain, undo) or the daemon (run). */
package org.mailtidy.cli;
