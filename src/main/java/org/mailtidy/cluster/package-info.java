/**
 * Several nodes as one Quartz cluster on PostgreSQL: the shared database (its Quartz tables created
 * on first start), which node's configuration the cluster runs, and the per-mailbox run records
 * that keep two nodes off one mailbox.
 */
package org.mailtidy.cluster;
