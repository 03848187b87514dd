package dev.bitplan.contracts.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Sha256Test {

    // FIPS 180-2 test vector
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void bytesFilesAndStreamsGiveTheSameAddress(@TempDir Path dir) throws Exception {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        assertEquals(ABC, Sha256.of(abc));
        Path file = Files.write(dir.resolve("abc.bin"), abc);
        assertEquals(ABC, Sha256.of(file));
        MessageDigest md = Sha256.newDigest();
        md.update(abc, 0, 1);
        md.update(abc, 1, 2);
        assertEquals(ABC, Sha256.hex(md));
    }

    @Test
    void onlyLowerCaseHexOfTheRightLengthIsAnAddress() {
        assertTrue(Sha256.isAddress(ABC));
        assertFalse(Sha256.isAddress(ABC.toUpperCase()));
        assertFalse(Sha256.isAddress(ABC.substring(1)));
        assertFalse(Sha256.isAddress("../../etc/passwd"));
        assertFalse(Sha256.isAddress(null));
    }
}
