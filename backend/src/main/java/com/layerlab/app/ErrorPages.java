package com.layerlab.app;

import com.layerlab.app.lab.ShareLinks;
import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The error pages of requests that never reach the app: Tomcat answers a request it cannot read (a
 * link far longer than any of LayerLab's, a header over the size limit) itself. These pages say what
 * happened in LayerLab's frame, with a way back, instead of Tomcat's bare report. Errors inside the app
 * have their own views ({@code NotFoundView}).
 */
public final class ErrorPages {

    private ErrorPages() {
    }

    /** What a learner reads for an HTTP status: a title and a sentence. */
    static String[] text(int status) {
        return switch (status) {
            case 400 -> new String[] {"This address cannot be opened",
                    "The address is malformed or far longer than any LayerLab link (a link holds at most "
                            + String.format(java.util.Locale.ROOT, "%,d", ShareLinks.MAX_PACKED_CHARS)
                            + " characters): it was probably damaged when it was copied. Copy the link again, "
                            + "or start from the playground."};
            case 404 -> new String[] {"There is no such page", "LayerLab has no page at this address."};
            case 413, 431 -> new String[] {"This request is too large",
                    "The address or the data sent is larger than this server accepts."};
            default -> new String[] {"Something went wrong",
                    "The server could not answer this request (HTTP " + status + ")."};
        };
    }

    /** A whole HTML page in LayerLab's frame (header, navigation) saying what went wrong, with a link home. */
    public static String html(int status) {
        String[] t = text(status);
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + t[0] + " \u00b7 LayerLab</title><link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">"
                + "<style>"
                + "body{margin:0;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"
                + "background:#f4f6f8;color:#1d2733}"
                + "header{display:flex;align-items:center;justify-content:space-between;flex-wrap:wrap;gap:8px 24px;"
                + "min-height:48px;padding:0 20px;background:#13293d;color:#fff}"
                + ".brand{font-weight:700;font-size:18px}nav{display:flex;flex-wrap:wrap;gap:4px}"
                + "nav a{padding:14px;color:rgba(255,255,255,.78);text-decoration:none;font-size:14px}"
                + "main{max-width:640px;margin:48px auto;padding:24px 28px;background:#fff;border:1px solid #e1e5ea;"
                + "border-radius:8px}h1{font-size:22px;margin:0 0 12px}p{line-height:1.5}"
                + ".status{color:#5f6b78;font-size:13px}a.home{color:#0877bd;font-weight:600}"
                + "</style></head><body>"
                + "<header><span class=\"brand\">LayerLab</span><nav><a href=\"/\">Playground</a>"
                + "<a href=\"/compare\">Compare activations</a><a href=\"/cnn\">CNN lab</a>"
                + "<a href=\"/convolution\">Convolution</a></nav></header>"
                + "<main><h1>" + t[0] + "</h1><p>" + t[1] + "</p>"
                + "<p><a class=\"home\" href=\"/\">Go to the playground</a></p>"
                + "<p class=\"status\">HTTP " + status + "</p></main></body></html>";
    }

    /**
     * Tomcat's report of a failed request, replaced by {@link #html}; it also sends the security headers,
     * since such a request never reaches {@link SecurityHeaders}. One log line, no stack trace: a bad
     * address is the visitor's mistake, not the server's.
     */
    public static class Valve extends ErrorReportValve {

        private static final Logger LOG = LoggerFactory.getLogger(ErrorPages.class);

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0) {
                return;
            }
            AtomicBoolean ioAllowed = new AtomicBoolean(false);
            response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
            if (!ioAllowed.get()) {
                return;
            }
            if (status == 400) {
                LOG.info("Answered a request Tomcat could not read (an address over the size limit or malformed) with 400");
            }
            try {
                response.setContentType("text/html");
                response.setCharacterEncoding("utf-8");
                response.setHeader("Content-Security-Policy", SecurityHeaders.CONTENT_SECURITY_POLICY);
                response.setHeader("X-Content-Type-Options", "nosniff");
                Writer writer = response.getReporter();
                if (writer != null) {
                    writer.write(html(status));
                    response.finishResponse();
                }
            } catch (IOException | IllegalStateException e) {
                // the client has gone or the response was committed meanwhile: nothing more to send
            }
        }
    }
}
