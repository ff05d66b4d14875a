package com.layerlab.app;

import com.layerlab.app.lab.CnnDataService;
import jakarta.servlet.MultipartConfigElement;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** How the web server treats every request: security headers, upload sizes, and the pages of requests Tomcat refuses. */
@Configuration
public class WebConfig {

    /** Room for the parts of an upload's request other than the file (boundaries, part headers). */
    private static final long MULTIPART_OVERHEAD = 64 * 1024;

    @Bean
    public FilterRegistrationBean<SecurityHeaders> securityHeaders() {
        FilterRegistrationBean<SecurityHeaders> r = new FilterRegistrationBean<>(new SecurityHeaders());
        r.addUrlPatterns("/*");
        r.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return r;
    }

    /**
     * Uploads as large as the CNN lab says it takes ({@code layerlab.cnn.max-upload-mb}), instead of
     * Spring's 1 MB default; the page refuses a larger file before sending it.
     */
    @Bean
    public MultipartConfigElement multipartConfig(CnnDataService data) {
        long max = data.limits().maxUploadBytes();
        return new MultipartConfigElement("", max, max + MULTIPART_OVERHEAD, 0);
    }

    /** Tomcat's own error pages (for requests it cannot read) in LayerLab's frame: {@link ErrorPages.Valve}. */
    @Bean
    public WebServerFactoryCustomizer<TomcatServletWebServerFactory> errorPages() {
        return new WebServerFactoryCustomizer<>() {
            @Override
            public void customize(TomcatServletWebServerFactory factory) {
                factory.addContextCustomizers(context -> {
                    StandardHost host = (StandardHost) context.getParent();
                    for (Valve v : host.getPipeline().getValves()) {
                        if (v instanceof ErrorReportValve) {
                            host.getPipeline().removeValve(v);
                        }
                    }
                    host.setErrorReportValveClass(ErrorPages.Valve.class.getName());
                    host.getPipeline().addValve(new ErrorPages.Valve());
                });
            }
        };
    }
}
