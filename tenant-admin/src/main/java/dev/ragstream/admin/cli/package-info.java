/** The {@code bin/tenant} command line (picocli), keeping the PHP system's {@code cli/tenant.php} contract. */
package dev.ragstream.admin.cli;
