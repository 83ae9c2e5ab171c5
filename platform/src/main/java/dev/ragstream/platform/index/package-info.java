/** A tenant's vector index generations: which embedding model made the vectors its queries use, and which one is being filled. */
package dev.ragstream.platform.index;
