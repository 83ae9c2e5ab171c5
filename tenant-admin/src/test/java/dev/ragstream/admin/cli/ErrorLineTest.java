package dev.ragstream.admin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrorLineTest {

    @Test
    void keepsTheDatabasesReasonFromAFlywayMigrationFailure() {
        var flyway = new IllegalStateException("""
                Migration V1__ragdb.sql failed
                ------------------------------
                SQL State  : 42P07
                Error Code : 0
                Message    : ERROR: relation "documents" already exists
                Location   : db/ragdb/V1__ragdb.sql (/work/db/ragdb/V1__ragdb.sql)
                Line       : 4
                Statement  : CREATE TABLE documents (
                    id uuid PRIMARY KEY
                )
                """);

        assertThat(ErrorLine.of(flyway)).isEqualTo("Migration V1__ragdb.sql failed: ERROR: relation \"documents\" already exists");
    }

    @Test
    void doesNotRepeatAReasonTheFirstLineAlreadyGives() {
        var flyway = new IllegalStateException("""
                Unable to obtain connection from database (jdbc:postgresql://h:5432/d) for user 'u': FATAL: role "u" is not permitted to log in
                -------------------------------------------------------------------------------------------------------
                SQL State  : 28000
                Message    : FATAL: role "u" is not permitted to log in
                """);

        assertThat(ErrorLine.of(flyway)).isEqualTo("Unable to obtain connection from database (jdbc:postgresql://h:5432/d)"
                + " for user 'u': FATAL: role \"u\" is not permitted to log in");
    }

    @Test
    void keepsTheFirstLineOfADriverMessageAndNamesExceptionsWithoutOne() {
        assertThat(ErrorLine.of(new IllegalStateException("ERROR: permission denied for schema public\n  Position: 14")))
                .isEqualTo("ERROR: permission denied for schema public");
        assertThat(ErrorLine.of(new NullPointerException())).isEqualTo("NullPointerException");
        assertThat(ErrorLine.of(new IllegalStateException(" \n ---- \n"))).isEqualTo("IllegalStateException");
    }
}
