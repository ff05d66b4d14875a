package com.layerlab.app.account;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Where a sign-in (or sign-up) returns to: the page it was asked from, carried in the link as
 * {@code ?to=/cnn?x=...}. Only a path on this server is followed; anything else (another site as
 * {@code //evil.com} or {@code http://...}, a backslash that browsers read as a slash, control
 * characters they drop) lands on the start page: the link must not send anyone elsewhere.
 */
public final class SignInTarget {

    public static final String PARAMETER = "to";
    public static final String HOME = "/";
    /** A longer target (a long share link) returns to its page without its query: the sign-in link stays well under the links' limit. */
    public static final int MAX_LENGTH = 4096;

    private SignInTarget() {
    }

    /** {@code to} when it is a path on this server, else the start page. */
    public static String safe(String to) {
        if (to == null || !to.startsWith("/") || to.startsWith("//") || to.length() > MAX_LENGTH) {
            return HOME;
        }
        for (int i = 0; i < to.length(); i++) {
            char c = to.charAt(i);
            if (c == '\\' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                return HOME;
            }
        }
        return to;
    }

    /** The target named by a page's query parameters (the sign-in and sign-up pages'), safe. */
    public static String of(Map<String, List<String>> parameters) {
        List<String> to = parameters == null ? null : parameters.get(PARAMETER);
        return safe(to == null || to.isEmpty() ? null : to.get(0));
    }

    /**
     * The link to {@code page} (the sign-in or sign-up path) that returns to {@code target} afterwards;
     * to the start page, the plain link.
     */
    public static String link(String page, String target) {
        String to = safe(target);
        return to.equals(HOME) ? page : page + "?" + PARAMETER + "=" + URLEncoder.encode(to, StandardCharsets.UTF_8);
    }

    /** Whether a sign-in link from the page at {@code path} returns to it (not from the sign-in and sign-up pages: they pass theirs on). */
    public static boolean returnsToPage(String path) {
        return !path.equals(SecurityConfig.SIGN_IN_PATH) && !path.equals(SecurityConfig.SIGN_UP_PATH);
    }

    /**
     * The target for a link from the page at {@code path} (as the router has it, without the leading
     * slash) with {@code query} (empty when none): that page, or on the sign-in and sign-up pages the
     * target they already carry; a page whose address is too long to carry, without its query.
     */
    public static String from(String path, String query, Map<String, List<String>> parameters) {
        if (!returnsToPage(path)) {
            return of(parameters);
        }
        String full = "/" + path + (query == null || query.isEmpty() ? "" : "?" + query);
        return full.length() <= MAX_LENGTH ? safe(full) : safe("/" + path);
    }
}
