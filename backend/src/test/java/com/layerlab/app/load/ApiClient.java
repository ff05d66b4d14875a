package com.layerlab.app.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;

/**
 * One script user of the REST API (API.md): signs up, takes a personal token, saves a small 2D experiment,
 * then trains it {@code runs} times one after the other, polling each run until it ends. It records how long
 * each run waited in the queue, every request's response time, and how each run ended.
 */
final class ApiClient implements Runnable {

    private static final Set<String> ENDED = Set.of("finished", "stopped", "failed", "interrupted");
    private static final Duration POLL = Duration.ofMillis(100);

    private final String base;
    private final String name;
    private final int runs;
    private final int epochs;
    private final Duration runDeadline;
    private final LoadReport report;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private String token;

    ApiClient(String base, String name, int runs, int epochs, Duration runDeadline, LoadReport report) {
        this.base = base;
        this.name = name;
        this.runs = runs;
        this.epochs = epochs;
        this.runDeadline = runDeadline;
        this.report = report;
    }

    @Override
    public void run() {
        try {
            signUp(base, name);
            token = "Bearer " + expect(201, send("POST", "/api/tokens", "{\"name\": \"load\"}",
                    basic(name))).get("token").asText();
            String experiment = expect(201, send("POST", "/api/experiments", xor().toString(), token)).get("id").asText();
            for (int i = 0; i < runs; i++) {
                trainOnce(experiment);
            }
        } catch (Exception e) {
            report.failure("API client " + name + ": " + e.getMessage());
        }
    }

    private void trainOnce(String experiment) throws IOException, InterruptedException {
        long posted = System.nanoTime();
        JsonNode run = expect(202, send("POST", "/api/experiments/" + experiment + "/runs",
                "{\"epochs\": " + epochs + "}", token));
        String id = run.get("id").asText();
        report.runStarted("api");
        int position = run.path("position").asInt();
        long deadline = posted + runDeadline.toNanos();
        boolean waited = false;
        while (System.nanoTime() < deadline) {
            String state = run.get("state").asText();
            if (!waited && !"queued".equals(state)) {
                report.queueWait(ms(System.nanoTime() - posted), position);
                waited = true;
            }
            if (ENDED.contains(state)) {
                report.runEnded("api", state, run.path("message").asText(""));
                return;
            }
            position = Math.max(position, run.path("position").asInt());
            Thread.sleep(POLL.toMillis());
            run = expect(200, send("GET", "/api/runs/" + id, null, token));
        }
        report.runOutlasted("API run " + id + " of " + name + " still " + run.get("state").asText() + " after "
                + runDeadline.toSeconds() + " s");
    }

    /** Signs {@code user} up through the API, with {@link LoadTest#PASSWORD}. */
    static void signUp(String base, String user) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "api/users"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\": \"" + user + "\", \"password\": \""
                        + LoadTest.PASSWORD + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IOException("signing up " + user + " answered " + r.statusCode() + " " + r.body());
        }
    }

    private ObjectNode xor() throws IOException {
        try (InputStream in = ApiClient.class.getResourceAsStream("/layerlab/examples/xor-tanh.json")) {
            ObjectNode e = (ObjectNode) json.readTree(in);
            e.put("epochs", epochs);
            return e;
        }
    }

    private HttpResponse<String> send(String method, String path, String body, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path.substring(1)))
                .header("Authorization", authorization)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        long start = System.nanoTime();
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        report.apiResponse(ms(System.nanoTime() - start));
        return r;
    }

    private JsonNode expect(int status, HttpResponse<String> r) throws IOException {
        if (r.statusCode() != status) {
            throw new IOException(r.request().method() + " " + r.uri().getPath() + " answered " + r.statusCode()
                    + " (expected " + status + "): " + r.body());
        }
        return json.readTree(r.body());
    }

    private static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + LoadTest.PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }
}
