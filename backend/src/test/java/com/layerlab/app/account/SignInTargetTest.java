package com.layerlab.app.account;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a sign-in returns to: the page of origin, only ever a path on this server. */
class SignInTargetTest {

    @Test
    void aPathOnThisServerIsKept() {
        assertEquals("/cnn?x=abc&cmp=ReLU.Tanh", SignInTarget.safe("/cnn?x=abc&cmp=ReLU.Tanh"));
        assertEquals("/runs", SignInTarget.safe("/runs"));
        assertEquals("/", SignInTarget.safe("/"));
    }

    @Test
    void anythingThatCouldLeaveTheServerGoesToTheStartPage() {
        for (String bad : List.of("//evil.com", "//evil.com/cnn", "http://evil.com", "https://evil.com/", "/\\evil.com",
                "\\\\evil.com", "/\t/evil.com", "/\n/evil.com", "javascript:alert(1)", "evil.com", "", " /cnn")) {
            assertEquals("/", SignInTarget.safe(bad), bad);
        }
        assertEquals("/", SignInTarget.safe(null));
        assertEquals("/", SignInTarget.safe("/" + "a".repeat(SignInTarget.MAX_LENGTH)));
    }

    @Test
    void theLinkCarriesThePageItWasAskedFrom() {
        assertEquals("signin?to=%2Fcnn%3Fx%3Dabc%26cmp%3DReLU.Tanh",
                SignInTarget.link("signin", SignInTarget.from("cnn", "x=abc&cmp=ReLU.Tanh", Map.of())));
        assertEquals("signin", SignInTarget.link("signin", SignInTarget.from("", "", Map.of())), "the start page: a plain link");
        assertEquals("signin?to=%2Fruns", SignInTarget.link("signin", SignInTarget.from("runs", null, Map.of())));
        // on the sign-up page the link keeps the target it came with, and never a bad one
        assertEquals("signin?to=%2Fruns", SignInTarget.link("signin",
                SignInTarget.from("signup", "to=%2Fruns", Map.of("to", List.of("/runs")))));
        assertEquals("signin", SignInTarget.link("signin",
                SignInTarget.from("signin", "to=%2F%2Fevil.com", Map.of("to", List.of("//evil.com")))));
        // a page whose address is too long to carry returns to its page without the query
        assertEquals("/cnn", SignInTarget.from("cnn", "x=" + "a".repeat(SignInTarget.MAX_LENGTH), Map.of()));
        assertEquals("/runs", SignInTarget.of(Map.of("to", List.of("/runs"))));
        assertEquals("/", SignInTarget.of(Map.of("to", List.of("http://evil.com"))));
    }
}
