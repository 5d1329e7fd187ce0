/**
 * Reading JSON (token endpoints' answers, the audit file); depends on nothing else of mailtidy.
 */
package org.mailtidy.json;
