/**
 * Several nodes as one Quartz cluster on PostgreSQL: the shared database (its Quartz tables created
 * on first start), which node's configuration the cluster runs ({@code ClusterNode}: this node's
 * standing), and the per-mailbox run records and claims that keep two nodes off one mailbox.
 */
package org.mailtidy.cluster;
