package com.layerlab.app;

import org.springframework.context.ApplicationContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * Points Spring Security's static {@link SecurityContextHolder} at the strategy of the application context
 * the next test runs in. Vaadin installs its strategy (one ThreadLocal per context) statically as each
 * context starts; with several cached test contexts in one JVM the static one belongs to whichever context
 * started last, so the app's code (which reads the static holder, as in production, where there is one
 * context) would read another context's ThreadLocal: a signed-in browser seen as anonymous, a visitor as
 * the owner of nothing. Registered in META-INF/spring.factories, for every Spring test.
 */
public class SecurityStrategyPerContext implements TestExecutionListener {

    @Override
    public void beforeTestClass(TestContext testContext) {
        point(testContext);
    }

    @Override
    public void beforeTestMethod(TestContext testContext) {
        point(testContext);
    }

    private static void point(TestContext testContext) {
        ApplicationContext app = testContext.getApplicationContext();
        app.getBeanProvider(SecurityContextHolderStrategy.class).ifUnique(SecurityContextHolder::setContextHolderStrategy);
    }
}
