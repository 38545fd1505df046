package dev.stepwise.core.expr;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * What a pattern of CEL's {@code matches()} may be. CEL matches with RE2J, in time linear in the text, but
 * RE2J copies a counted repetition out when it compiles, so nested counts multiply:
 * {@code ((a{1000}){1000}){1000}} is 10^9 instructions, and compiling it exhausts any heap. These limits are
 * checked before RE2J sees the pattern: its length, the product of nested counts (RE2's own rule), then the
 * size of the compiled program, which also bounds the time per character matched.
 */
final class RegexLimits {
    static final int MAX_PATTERN_CHARS = 256;
    /** The most nested counted repetitions may multiply to, as in RE2 (C++): {@code (a{10}){100}} is 1000. */
    static final int MAX_REPEAT = 1000;
    /** Instructions of the compiled pattern: {@code .{0,1000}} is 2002, a date pattern 14. */
    static final int MAX_PROGRAM_SIZE = 2500;

    private RegexLimits() {
    }

    /** Why a pattern is refused, if it is. */
    static Optional<String> problem(String pattern) {
        if (pattern.length() > MAX_PATTERN_CHARS) {
            return Optional.of("the pattern of matches() has " + pattern.length() + " characters; at most "
                    + MAX_PATTERN_CHARS + " are allowed");
        }
        long repeats = nestedRepeats(pattern);
        if (repeats > MAX_REPEAT) {
            return Optional.of("the pattern of matches() '" + pattern + "' repeats a part " + repeats + " times (counted "
                    + "repetitions, multiplied where nested); at most " + MAX_REPEAT + " are allowed");
        }
        int size;
        try {
            size = Pattern.compile(pattern).programSize();
        } catch (PatternSyntaxException e) {
            return Optional.of("the pattern of matches() '" + pattern + "' is not an RE2 regular expression: "
                    + e.getMessage());
        }
        if (size > MAX_PROGRAM_SIZE) {
            return Optional.of("the pattern of matches() '" + pattern + "' compiles to " + size + " instructions; at most "
                    + MAX_PROGRAM_SIZE + " are allowed");
        }
        return Optional.empty();
    }

    /**
     * The largest product of counted repetitions ({@code {n}}, {@code {n,}}, {@code {n,m}}: n, n and m) around
     * any part of the pattern. Errs high, never low: a pattern RE2 rejects anyway may count more than it would.
     */
    static long nestedRepeats(String p) {
        Deque<Long> outer = new ArrayDeque<>(); // the enclosing groups' largest products so far
        long largest = 1; // in the current group
        long last = 1; // of the last atom, which a count that follows repeats
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            int countEnd = c == '{' ? countEnd(p, i) : -1;
            if (c == '(') {
                outer.push(largest);
                largest = 1;
                i++;
            } else if (c == ')' && !outer.isEmpty()) {
                last = largest;
                largest = Math.max(outer.pop(), last);
                i++;
            } else if (countEnd > 0) {
                last = Math.min(last * Math.max(1, count(p, i + 1, countEnd)), Integer.MAX_VALUE);
                largest = Math.max(largest, last);
                i = countEnd + 1;
            } else if (c == '*' || c == '+' || c == '?') {
                i++; // repeats the last atom without copying it (and keeps it the last, erring high)
            } else {
                last = 1;
                i = c == '\\' ? escapeEnd(p, i) : c == '[' ? classEnd(p, i) : i + 1;
            }
        }
        while (!outer.isEmpty()) {
            largest = Math.max(largest, outer.pop());
        }
        return largest;
    }

    /** Where the count {@code {n}}, {@code {n,}} or {@code {n,m}} opened at {@code i} closes, or -1 if it is a literal brace. */
    private static int countEnd(String p, int i) {
        int j = digits(p, i + 1);
        if (j == i + 1) {
            return -1;
        }
        if (j < p.length() && p.charAt(j) == ',') {
            j = digits(p, j + 1);
        }
        return j < p.length() && p.charAt(j) == '}' ? j : -1;
    }

    /** The count that multiplies: m of {@code {n,m}}, else n; at most a million (RE2 refuses over 1000). */
    private static long count(String p, int from, int end) {
        int comma = p.indexOf(',', from);
        int start = comma >= 0 && comma < end && comma + 1 < end ? comma + 1 : from;
        long n = 0;
        for (int j = start, to = digits(p, start); j < to; j++) {
            n = Math.min(n * 10 + (p.charAt(j) - '0'), 1_000_000);
        }
        return n;
    }

    private static int digits(String p, int j) {
        while (j < p.length() && p.charAt(j) >= '0' && p.charAt(j) <= '9') {
            j++;
        }
        return j;
    }

    /** Just past the escape at {@code i}: {@code \d}, {@code \pL}, {@code \p{Greek}}, {@code \x{41}}, {@code \Q...\E}. */
    private static int escapeEnd(String p, int i) {
        if (i + 1 >= p.length()) {
            return p.length();
        }
        char e = p.charAt(i + 1);
        if (e == 'Q') {
            int end = p.indexOf("\\E", i + 2);
            return end < 0 ? p.length() : end + 2;
        }
        if ((e == 'p' || e == 'P' || e == 'x') && i + 2 < p.length() && p.charAt(i + 2) == '{') {
            int end = p.indexOf('}', i + 3);
            return end < 0 ? p.length() : end + 1;
        }
        return (e == 'p' || e == 'P') ? Math.min(i + 3, p.length()) : i + 2;
    }

    /** Just past the character class opened at {@code i}; a {@code ]} first in it is a member, as are {@code [:alpha:]}. */
    private static int classEnd(String p, int i) {
        int j = i + 1;
        if (j < p.length() && p.charAt(j) == '^') {
            j++;
        }
        if (j < p.length() && p.charAt(j) == ']') {
            j++;
        }
        while (j < p.length() && p.charAt(j) != ']') {
            if (p.charAt(j) == '\\') {
                j = escapeEnd(p, j);
            } else if (p.startsWith("[:", j) && p.indexOf(":]", j + 2) > 0) {
                j = p.indexOf(":]", j + 2) + 2;
            } else {
                j++;
            }
        }
        return Math.min(j + 1, p.length());
    }
}
