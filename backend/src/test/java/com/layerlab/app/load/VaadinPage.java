package com.layerlab.app.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One browser tab at the level of Vaadin Flow's own protocol, without a browser: what Gatling or k6 scripts
 * of a Vaadin app replay. It loads a route the way Flow's client does (the page, {@code ?v-r=init}, the push
 * connection, the {@code ui-navigate} event that builds the view on the server), sends the events a user's
 * clicks and typing send, heartbeats, and takes the server's changes to the page from the responses and from
 * push, tracking the elements' attributes (feature 3 of Flow's state tree) by node, with their {@code id}s.
 * It does not lay out, draw or run the page's scripts: it measures the server, not a browser.
 *
 * <p>The protocol, as Flow 24.9 speaks it (see the Chromium traffic of a playground page): UIDL messages are
 * {@code for(;;);[{...}]} with a {@code syncId} (the server's message counter, echoed back) and a
 * {@code clientId} (the next client message the server expects); push is Atmosphere over a WebSocket, each
 * message prefixed with its length ({@code 123|...}).
 */
final class VaadinPage implements WebSocket.Listener {

    /** A change of an element's attribute, as it reached this page (System.nanoTime()). */
    interface AttributeListener {
        void changed(int node, String attribute, String value, long at);
    }

    private static final String UIDL_PREFIX = "for(;;);";
    private static final int ATTRIBUTES = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final ObjectMapper json = new ObjectMapper();
    private final String base;
    private final HttpClient http;
    private final CookieManager cookies;

    private String csrf;
    private int uiId;
    private String pushId;
    private int lastSyncId = -1;
    private int nextClientId;
    private final Map<Integer, Map<String, String>> attributes = new HashMap<>();
    private final Map<String, Integer> nodesById = new HashMap<>();
    private final StringBuilder pushBuffer = new StringBuilder();
    private AttributeListener listener = (node, attribute, value, at) -> { };
    private String problem;
    private WebSocket push;

    /** A tab of a browser with its own cookies; {@code base} ends with "/". */
    VaadinPage(String base, CookieManager cookies) {
        this.base = base;
        this.cookies = cookies;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(30)).build();
    }

    /** What opening a route took: when the server's first byte of the page came (System.nanoTime()). */
    record Opened(long firstByte) {
    }

    /**
     * Opens {@code route} (no leading slash; "" for the start page) with {@code query} (no "?"), as a browser
     * does, and returns once the server has answered the navigation (it builds the view as it does: parts of
     * the view may still come through push).
     */
    Opened open(String route, String query) throws IOException, InterruptedException {
        String q = query.isEmpty() ? "" : "?" + query;
        HttpResponse<java.io.InputStream> page = http.send(get(base + route + q), HttpResponse.BodyHandlers.ofInputStream());
        long firstByte = System.nanoTime();
        try (var body = page.body()) {
            body.readAllBytes();
        }
        expectOk(page.statusCode(), "the page " + route);
        HttpResponse<String> init = http.send(get(base + "?v-r=init&location=" + encode(route) + "&query=" + encode(query)),
                HttpResponse.BodyHandlers.ofString());
        expectOk(init.statusCode(), "?v-r=init of " + route);
        JsonNode appConfig = json.readTree(init.body()).get("appConfig");
        JsonNode uidl = appConfig.get("uidl");
        synchronized (this) {
            uiId = appConfig.get("v-uiId").asInt();
            csrf = uidl.get("Vaadin-Security-Key").asText();
            pushId = uidl.get("Vaadin-Push-ID").asText();
            apply(uidl, System.nanoTime());
        }
        // as Flow's client: the push connection opens while the navigation goes, not before it
        CompletableFuture<WebSocket> connecting = connectPush();
        ObjectNode navigate = json.createObjectNode().put("route", route).put("query", query).put("appShellTitle", "")
                .put("trigger", "");
        navigate.putObject("historyState").put("idx", 0);
        send(List.of(event(1, "ui-navigate", navigate)));
        WebSocket ws = connecting.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        synchronized (this) {
            push = ws;
        }
        return new Opened(firstByte);
    }

    /** The node of the element with this {@code id}, once the server has sent it. */
    synchronized Optional<Integer> node(String id) {
        return Optional.ofNullable(nodesById.get(id));
    }

    /** An attribute of an element as this page has it now. */
    synchronized Optional<String> attribute(int node, String name) {
        return Optional.ofNullable(attributes.getOrDefault(node, Map.of()).get(name));
    }

    /** Called for every attribute change from now on, on the thread that received it (keep it short). */
    synchronized void onAttribute(AttributeListener l) {
        listener = l;
    }

    /** What went wrong on the server's side of this page (an error message, an expired session), if anything. */
    synchronized Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /** A click on an element, with the data Flow's client sends for a mouse click. */
    void click(int node) throws IOException, InterruptedException {
        ObjectNode data = json.createObjectNode().put("event.shiftKey", false).put("event.metaKey", false)
                .put("event.detail", 1).put("event.ctrlKey", false).put("event.clientX", 10).put("event.clientY", 10)
                .put("event.altKey", false).put("event.button", 0).put("event.screenY", 10).put("event.screenX", 10);
        send(List.of(event(node, "click", data)));
    }

    /** Typing into a text field: its value property synchronised, then its change event. */
    void type(int node, String value) throws IOException, InterruptedException {
        ObjectNode sync = json.createObjectNode().put("type", "mSync").put("node", node).put("feature", 1)
                .put("property", "value").put("value", value);
        send(List.of(sync, event(node, "change", json.createObjectNode())));
    }

    /**
     * Keeps the tab open as a browser would while {@code going} holds (checked every 100 ms): a heartbeat
     * every 20 s; an IOException as soon as the server reports a problem with the page.
     */
    void stayWhile(java.util.function.BooleanSupplier going) throws IOException, InterruptedException {
        long lastHeartbeat = System.nanoTime();
        while (going.getAsBoolean()) {
            Thread.sleep(100);
            Optional<String> wrong = problem();
            if (wrong.isPresent()) {
                throw new IOException(wrong.get());
            }
            if (System.nanoTime() - lastHeartbeat > 20_000_000_000L) {
                heartbeat();
                lastHeartbeat = System.nanoTime();
            }
        }
    }

    /** The heartbeat Flow's client sends every vaadin.heartbeatInterval seconds while the tab is open. */
    void heartbeat() throws IOException, InterruptedException {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base + "?v-r=heartbeat&v-uiId=" + uiId))
                .timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        expectOk(r.statusCode(), "a heartbeat");
    }

    /**
     * Closes the tab: politely with Flow's unload beacon (the view detaches at once), or abruptly (a killed
     * browser: the server only notices when heartbeats stop).
     */
    void close(boolean abruptly) {
        WebSocket ws;
        synchronized (this) {
            ws = push;
            push = null;
        }
        if (ws != null) {
            ws.abort();
        }
        if (abruptly || csrf == null) {
            return;
        }
        try {
            ObjectNode beacon = message(List.of());
            beacon.put("UNLOAD", true);
            http.send(post(beacon), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // the tab is gone either way; the server ends its view when the heartbeats stop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private CompletableFuture<WebSocket> connectPush() {
        String url = base.replaceFirst("^http", "ws") + "VAADIN/push?v-r=push&v-uiId=" + uiId + "&v-pushId=" + pushId
                + "&X-Atmosphere-tracking-id=0&X-Atmosphere-Framework=4.0.1&X-Atmosphere-Transport=websocket"
                + "&X-Atmosphere-TrackMessageSize=true&Content-Type=application/json;%20charset=UTF-8"
                + "&X-atmo-protocol=true&X-Vaadin-LastSeenServerSyncId=0";
        String cookieHeader = cookies.getCookieStore().get(URI.create(base)).stream()
                .map(c -> c.getName() + "=" + c.getValue()).collect(Collectors.joining("; "));
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30));
        if (!cookieHeader.isEmpty()) {
            b.header("Cookie", cookieHeader);
        }
        return b.buildAsync(URI.create(url), this);
    }

    private ObjectNode event(int node, String name, ObjectNode data) {
        ObjectNode e = json.createObjectNode().put("type", "event").put("node", node).put("event", name);
        e.set("data", data);
        return e;
    }

    private synchronized ObjectNode message(List<ObjectNode> rpc) {
        ObjectNode m = json.createObjectNode().put("csrfToken", csrf);
        ArrayNode calls = m.putArray("rpc");
        rpc.forEach(calls::add);
        m.put("syncId", Math.max(0, lastSyncId));
        m.put("clientId", nextClientId++);
        return m;
    }

    /** One client-to-server message over HTTP, its answer applied to the page. */
    private void send(List<ObjectNode> rpc) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(post(message(rpc)), HttpResponse.BodyHandlers.ofString());
        expectOk(r.statusCode(), "a UIDL request");
        long at = System.nanoTime();
        synchronized (this) {
            applyAll(r.body(), at);
        }
    }

    private HttpRequest post(ObjectNode body) {
        return HttpRequest.newBuilder(URI.create(base + "?v-r=uidl&v-uiId=" + uiId)).timeout(TIMEOUT)
                .header("Content-Type", "application/json; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build();
    }

    // --- the server's messages -----------------------------------------------------------------------

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        long at = System.nanoTime();
        synchronized (this) {
            pushBuffer.append(data);
            // Atmosphere's TrackMessageSize: "length|message", messages may share a frame or span frames
            while (true) {
                int bar = pushBuffer.indexOf("|");
                if (bar < 0) {
                    break;
                }
                int length = Integer.parseInt(pushBuffer.substring(0, bar));
                if (pushBuffer.length() < bar + 1 + length) {
                    break;
                }
                String message = pushBuffer.substring(bar + 1, bar + 1 + length);
                pushBuffer.delete(0, bar + 1 + length);
                if (message.startsWith(UIDL_PREFIX)) {
                    applyAll(message, at);
                }
                // else Atmosphere's handshake ("uuid|0|X|") or padding
            }
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        synchronized (this) {
            if (push != null && problem == null) {
                problem = "push connection failed: " + error;
            }
        }
    }

    private void applyAll(String body, long at) {
        try {
            JsonNode parsed = json.readTree(body.startsWith(UIDL_PREFIX) ? body.substring(UIDL_PREFIX.length()) : body);
            for (JsonNode m : parsed.isArray() ? parsed : List.of(parsed)) {
                apply(m, at);
            }
        } catch (IOException e) {
            problem = "unreadable UIDL message: " + e.getMessage();
        }
    }

    /** One UIDL message: its sync id, the attribute changes of its state-tree changes, errors it reports. */
    private void apply(JsonNode message, long at) {
        lastSyncId = Math.max(lastSyncId, message.path("syncId").asInt(-1));
        JsonNode meta = message.path("meta");
        if (meta.has("appError") || meta.path("sessionExpired").asBoolean(false)) {
            problem = "the server reported " + meta;
        }
        for (JsonNode change : message.path("changes")) {
            if ("put".equals(change.path("type").asText()) && change.path("feat").asInt() == ATTRIBUTES) {
                int node = change.get("node").asInt();
                String key = change.get("key").asText();
                String value = change.path("value").asText();
                attributes.computeIfAbsent(node, n -> new HashMap<>()).put(key, value);
                if ("id".equals(key)) {
                    nodesById.put(value, node);
                }
                listener.changed(node, key, value, at);
            }
        }
    }

    private static void expectOk(int status, String what) throws IOException {
        if (status != 200) {
            throw new IOException(what + " answered HTTP " + status);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
