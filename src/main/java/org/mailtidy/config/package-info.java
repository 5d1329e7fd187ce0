/**
 * The configuration file (docs/configuration.md) read into immutable, validated records: YAML is
 * composed into nodes with positions, then bound, with every problem reported at once.
 */
package org.mailtidy.config;
