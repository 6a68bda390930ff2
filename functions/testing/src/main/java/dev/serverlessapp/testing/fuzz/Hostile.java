package dev.serverlessapp.testing.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Generators of hostile input for the fuzz suites: text that breaks encoders (lone surrogates, control
 * characters, NUL, bidi marks), sizes around the limits, and JSON of every shape. Each takes the case's
 * {@link Random}, so a case is the same on every run with the same seed.
 */
public final class Hostile {

    private static final List<String> NASTY = List.of(
            "", " ", "\u0000", "\ud800", "\udfff", "x\ud800x", "\ud83d\ude00", "\u202e", "\ufeff", "\uffff",
            "\r\n", "\n", "\t", "\u0085", "\u2028", "%00", "%ZZ", "..", "../..", "%2e%2e/", "\\", "'", "\"",
            "<script>", "${jndi:x}", "null", "true", "-1", "1e309", "NaN", "{}", "[]", "\u00e9", "\u0301",
            "Ａｄａ", "x@y", "a@b.c", "@", "=?utf-8?q?x?=", "\u0007", "\u001b[31m", "\u007f", "\u00a0");

    private Hostile() {
    }

    /** A pick from a list. */
    public static <T> T oneOf(Random random, List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    /** Text of random UTF-16 code units: any character, lone surrogates and controls included. */
    public static String text(Random random, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder text = new StringBuilder(length);
        while (text.length() < length) {
            switch (random.nextInt(6)) {
                case 0 -> text.append(oneOf(random, NASTY));
                case 1 -> text.append((char) random.nextInt(0x20));
                case 2 -> text.append((char) (0xD800 + random.nextInt(0x800)));
                case 3 -> text.appendCodePoint(random.nextInt(0x110000));
                default -> text.append((char) (0x20 + random.nextInt(0x5F)));
            }
        }
        return text.length() > maxLength ? text.substring(0, maxLength) : text.toString();
    }

    /** Mostly printable ASCII, sometimes a nasty piece: what reaches deeper than a first validation. */
    public static String almostValid(Random random, String valid) {
        return switch (random.nextInt(5)) {
            case 0 -> valid + oneOf(random, NASTY);
            case 1 -> oneOf(random, NASTY) + valid;
            case 2 -> valid.isEmpty() ? "" : valid.substring(0, random.nextInt(valid.length()));
            case 3 -> valid.repeat(1 + random.nextInt(64));
            default -> valid;
        };
    }

    /** A length around a limit: just below, at, just above, or far above it. */
    public static int around(Random random, int limit) {
        return switch (random.nextInt(4)) {
            case 0 -> Math.max(0, limit - 1 - random.nextInt(3));
            case 1 -> limit;
            case 2 -> limit + 1 + random.nextInt(3);
            default -> limit * (2 + random.nextInt(8));
        };
    }

    /** Any JSON value as text, valid or not: scalars, deep nesting, wrong types, truncation, garbage. */
    public static String json(Random random, int depth) {
        return switch (random.nextInt(depth <= 0 ? 6 : 9)) {
            case 0 -> "null";
            case 1 -> random.nextBoolean() ? "true" : "false";
            case 2 -> Long.toString(random.nextLong());
            case 3 -> random.nextBoolean() ? "1e309" : Double.toString(random.nextDouble());
            case 4 -> quote(text(random, 40));
            case 5 -> truncate(random, "{\"a\":[1,2,{\"b\":\"c\"}]}");
            case 6 -> "[" + json(random, depth - 1) + "," + json(random, depth - 1) + "]";
            case 7 -> "{" + quote(text(random, 8)) + ":" + json(random, depth - 1) + "}";
            default -> "[".repeat(1 + random.nextInt(2000));
        };
    }

    /** A JSON string literal, escaped as JSON allows: lone surrogates become {@code \\uD800} escapes. */
    public static String quote(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                quoted.append("\\u%04x".formatted((int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    /** The text cut at a random point (never whole). */
    public static String truncate(Random random, String text) {
        return text.isEmpty() ? text : text.substring(0, random.nextInt(text.length()));
    }

    /** Random bytes, for bodies that are not text at all. */
    public static byte[] bytes(Random random, int maxLength) {
        byte[] bytes = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Text as UTF-8 bytes; lone surrogates become '?' as Java encodes them. */
    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
