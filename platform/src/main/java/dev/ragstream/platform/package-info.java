/** What every ragstream service stands on; the wiring lives in {@link dev.ragstream.platform.PlatformConfiguration}. */
package dev.ragstream.platform;
