/** Files that must survive a power failure and stay private: synced writes, owner-only modes. */
package org.mailtidy.files;
