package com.layerlab.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** One HTTP request of the API tests: a JSON body when there is one, any headers, the answer as text. */
public final class TestHttp {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private TestHttp() {
    }

    /** {@code method} on {@code url} (a full address) with {@code body} (null: none) and header name-value pairs. */
    public static HttpResponse<String> send(String method, String url, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
