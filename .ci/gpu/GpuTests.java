import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs JUnit test classes on the GPU machine, where there is no Maven: one line per test (passed,
 * failed with its error, skipped with its reason). A class named with a leading '+' must not skip: on
 * the GPU machine a CUDA test that skips (its probe found no GPU) is a failed check, not a pass.
 * Exit status 0 only when nothing failed and no required class skipped. gpu-pack compiles it.
 *
 * <p>usage: java -cp ... GpuTests [+]CLASS...
 */
public final class GpuTests {

    public static void main(String[] args) {
        List<String> required = new ArrayList<>();
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        for (String a : args) {
            String name = a.startsWith("+") ? a.substring(1) : a;
            if (a.startsWith("+")) {
                required.add(name);
            }
            request.selectors(selectClass(name));
        }
        Set<String> problems = ConcurrentHashMap.newKeySet();
        int[] counts = new int[3];
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                counts[2]++;
                System.out.println("SKIPPED " + id.getDisplayName() + ": " + reason);
                if (required.stream().anyMatch(c -> id.getUniqueId().contains(c))) {
                    problems.add(id.getDisplayName() + " skipped: " + reason);
                }
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                boolean required0 = required.stream().anyMatch(c -> id.getUniqueId().contains(c));
                if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
                    String reason = result.getThrowable().map(Throwable::getMessage).orElse("");
                    System.out.println("SKIPPED " + id.getDisplayName() + ": " + reason);
                    counts[2]++;
                    if (required0) {
                        problems.add(id.getDisplayName() + " skipped: " + reason);
                    }
                    return;
                }
                if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                    counts[1]++;
                    Throwable t = result.getThrowable().orElse(null);
                    System.out.println("FAILED " + id.getDisplayName() + ": " + t);
                    if (t != null) {
                        t.printStackTrace(System.out);
                    }
                    problems.add(id.getDisplayName() + " failed");
                } else if (id.isTest()) {
                    counts[0]++;
                    System.out.println("PASSED " + id.getDisplayName());
                }
            }
        };
        LauncherDiscoveryRequest r = request.build();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(r, listener);
        System.out.printf("tests: %d passed, %d failed, %d skipped%n", counts[0], counts[1], counts[2]);
        if (!problems.isEmpty() || counts[0] == 0) {
            System.out.println("GPU TESTS FAILED: " + (problems.isEmpty() ? "no test ran" : String.join("; ", problems)));
            System.exit(1);
        }
        System.out.println("GPU TESTS PASSED");
    }
}
