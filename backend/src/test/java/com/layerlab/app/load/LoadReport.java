package com.layerlab.app.load;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the simulated users measured and how their runs ended, filled from every client thread; printed at
 * the end with the targets of issue 12 (push frame interval p95 under 200 ms, page response p95 under 500 ms),
 * judged on the users without a browser: the real Chromium pages' figures include their own drawing on the
 * server's cores and are printed beside them.
 */
final class LoadReport {

    static final double FRAME_TARGET_MS = 200;
    static final double PAGE_TARGET_MS = 500;

    /** What one kind of page client measured. */
    static final class Pages {
        final String kind;
        final Samples response;
        /** The server's share of the page response: its first byte of the page. */
        final Samples firstByte;
        final Samples play;
        final Samples queueWait;
        final Samples frameInterval;

        Pages(String kind) {
            this.kind = kind;
            response = new Samples("page response (navigation -> view ready)");
            firstByte = new Samples("page first byte (navigation -> server's answer)");
            play = new Samples("play click -> page shows it trains");
            queueWait = new Samples("page queue wait (play -> first frame)");
            frameInterval = new Samples("push frame interval (while training)");
        }

        List<Samples> all() {
            return List.of(response, firstByte, play, queueWait, frameInterval);
        }
    }

    /** The users that speak Vaadin's protocol without a browser: the server's figures, the targets' measure. */
    final Pages simulatedPages = new Pages("simulated users (Vaadin's protocol, no browser)");
    /** The real Chromium pages among them: what a person's browser sees on this machine, drawing included. */
    final Pages browserPages = new Pages("Chromium pages (drawing on the same cores)");
    final Samples apiQueueWait = new Samples("API queue wait (POST run -> running)");
    final Samples apiResponse = new Samples("API response time");

    private final Map<String, Integer> started = new TreeMap<>();
    private final Map<String, Integer> ended = new TreeMap<>();
    private final List<String> outlasted = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final List<String> endedOtherwise = new ArrayList<>();
    private int closedMidRun;
    private int maxPosition;

    synchronized void runStarted(String kind) {
        started.merge(kind, 1, Integer::sum);
    }

    /** A run its client saw end, in {@code state} ("finished", "stopped", ...). */
    synchronized void runEnded(String kind, String state, String message) {
        ended.merge(kind + " " + state, 1, Integer::sum);
        if (!"finished".equals(state)) {
            endedOtherwise.add(kind + " run ended " + state + (message.isEmpty() ? "" : ": " + message));
        }
    }

    /**
     * A run its client stopped waiting for (past the deadline): slow, not lost yet; the server's count
     * tells whether it ended after all.
     */
    synchronized void runOutlasted(String why) {
        outlasted.add(why);
    }

    /** When each simulated user's page was opened (ms into the ramp) and how long it took to be ready. */
    private final Map<Integer, double[]> pageOpens = new TreeMap<>();

    synchronized void pageOpened(int user, double atMs, double responseMs) {
        pageOpens.put(user, new double[] {atMs, responseMs});
    }

    /** A page closed on purpose while its run trained: the server must still end that run. */
    synchronized void closedMidRun() {
        closedMidRun++;
    }

    /** Something a simulated user could not do (its steps stop there). */
    synchronized void failure(String what) {
        failures.add(what);
    }

    void queueWait(double ms, int position) {
        apiQueueWait.add(ms);
        synchronized (this) {
            maxPosition = Math.max(maxPosition, position);
        }
    }

    void apiResponse(double ms) {
        apiResponse.add(ms);
    }

    /** Runs the clients started (a page's play, an API POST): the server must have started at least these. */
    synchronized int startedCount() {
        return started.values().stream().mapToInt(Integer::intValue).sum();
    }

    synchronized int failureCount() {
        return failures.size();
    }

    synchronized void print(PrintStream out, ServerCheck server) {
        out.println();
        out.println("== Measured by the clients");
        for (Pages pages : List.of(simulatedPages, browserPages)) {
            if (pages.response.count() + pages.firstByte.count() > 0) {
                out.println("  " + pages.kind + ":");
                pages.all().forEach(s -> out.println("    " + s.line()));
            }
        }
        if (!pageOpens.isEmpty()) {
            out.println("  the slowest page opens (user: ms into the ramp -> ms to ready): " + pageOpens.entrySet().stream()
                    .sorted((a, b) -> Double.compare(b.getValue()[1], a.getValue()[1])).limit(5)
                    .map(e -> String.format(Locale.ROOT, "%d: %.0f -> %.0f", e.getKey(), e.getValue()[0], e.getValue()[1]))
                    .collect(java.util.stream.Collectors.joining(", ")));
        }
        out.println("  REST API scripts:");
        for (Samples s : List.of(apiQueueWait, apiResponse)) {
            out.println("    " + s.line());
        }
        out.println("  highest queue position an API run was given: " + maxPosition);
        out.println();
        out.println("== Runs");
        out.println("  started by the clients: " + started + "; seen ending by their client: " + ended
                + "; pages closed mid-run: " + closedMidRun);
        out.println("  on the server: " + server.summary());
        out.println("  runs whose client stopped waiting for their end (" + outlasted.size() + "; the server's count says"
                + " whether they ended after all):");
        outlasted.forEach(l -> out.println("    - " + l));
        out.println("  LOST (neither finished nor reported ended): " + server.lost(startedCount()));
        server.stuck().forEach(l -> out.println("    - on the server: " + l));
        endedOtherwise.forEach(e -> out.println("    - " + e));
        if (!failures.isEmpty()) {
            out.println("  simulated users that could not do their steps (" + failures.size() + "):");
            failures.forEach(f -> out.println("    - " + f));
        }
        out.println();
        out.println("== Targets of issue 12 (for 30 users on 2 cores), on the " + simulatedPages.kind);
        out.println(target("push frame interval p95", simulatedPages.frameInterval.percentile(95), FRAME_TARGET_MS));
        out.println(target("page response p95", simulatedPages.response.percentile(95), PAGE_TARGET_MS));
    }

    private static String target(String what, double p95, double limit) {
        return String.format(Locale.ROOT, "  %-24s %6.0f ms (target under %.0f ms): %s", what, p95, limit,
                Double.isNaN(p95) ? "NOT MEASURED" : p95 < limit ? "met" : "NOT met");
    }
}
