package dev.ragstream.admin.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragstream.platform.tenant.EnvFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvEditorTest {

    @TempDir
    Path temp;

    @Test
    void replacesOnlyTheValuesKeepingPrefixesSpacingCommentsAndLineEndings() {
        String before = "# keys\r\nexport CHAT_API_KEY = old-chat # rotated yearly\r\n\r\nOTHER=1 # keep\n"
                + "  ADMIN_API_KEY='old admin' # quoted\nCHAT_API_KEYS=not-this\n# CHAT_API_KEY=commented-out\n";

        String after = EnvEditor.replace(before, Map.of("CHAT_API_KEY", "rsk_new1", "ADMIN_API_KEY", "rsk_new2"));

        assertThat(after).isEqualTo("# keys\r\nexport CHAT_API_KEY = rsk_new1 # rotated yearly\r\n\r\nOTHER=1 # keep\n"
                + "  ADMIN_API_KEY=rsk_new2 # quoted\nCHAT_API_KEYS=not-this\n# CHAT_API_KEY=commented-out\n");
    }

    @Test
    void replacesEveryAssignmentOfAVariableAndAppendsMissingOnes() {
        String after = EnvEditor.replace("A=1\nA=2\nB=3", Map.of("A", "x", "C", "new #value"));

        assertThat(after).isEqualTo("A=x\nA=x\nB=3\nC='new #value'\n");
    }

    @Test
    void updateReplacesTheFileAtomicallyKeepingPermissionsAndEveryOtherByte() throws IOException {
        Path env = temp.resolve(".env");
        String before = "# tenant\nTENANT_ID=acme\nUPLOAD_API_KEY=old\n\n# end\n";
        Files.writeString(env, before);
        Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-r-----"));

        EnvEditor.update(env, Map.of("UPLOAD_API_KEY", "rsk_fresh"));

        assertThat(Files.readString(env)).isEqualTo(before.replace("=old", "=rsk_fresh"));
        assertThat(EnvFile.read(env)).containsEntry("UPLOAD_API_KEY", "rsk_fresh").containsEntry("TENANT_ID", "acme");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env))).isEqualTo("rw-r-----");
        assertThat(Cli.entries(temp)).containsExactly(".env");
    }

    @Test
    void refusesAValueThatCannotBeWrittenAndLeavesTheFileAlone() throws IOException {
        Path env = Files.writeString(temp.resolve(".env"), "CHAT_API_KEY=old\n");

        assertThatThrownBy(() -> EnvEditor.update(env, Map.of("CHAT_API_KEY", "canary\nINJECTED=1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("canary");
        assertThat(Files.readString(env)).isEqualTo("CHAT_API_KEY=old\n");
        assertThat(Cli.entries(temp)).containsExactly(".env");
    }
}
