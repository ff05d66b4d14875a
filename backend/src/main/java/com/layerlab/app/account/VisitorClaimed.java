package com.layerlab.app.account;

/**
 * Published when a visitor signs up: what the owner key {@code visitorKey} ("visitor:...") owned now
 * belongs to {@code userKey} ("user:<name>"). The store listens and moves its things over; accounts
 * need not know what they are.
 */
public record VisitorClaimed(String visitorKey, String userKey) {
}
