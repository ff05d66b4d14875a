package com.layerlab.app.load;

import com.layerlab.app.Application;
import com.layerlab.app.classroom.Challenge;
import com.layerlab.app.classroom.ClassBoard;
import com.layerlab.app.classroom.ClassSession;
import com.layerlab.app.classroom.Classrooms;
import com.layerlab.app.classroom.Seat;
import com.layerlab.app.lab.ControlLocks;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.TrainingRuntime;
import java.io.IOException;
import java.net.CookieManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The classroom load test of issue 13 (README "Classroom"), run by {@code bash .ci/class-load-test}, not by
 * the test suite: the app in this JVM on loopback with a fresh H2 data folder; a teacher (signed in through
 * the sign-in page) creates a session on /teach, pushes a challenge (the service's push: the push dialog's
 * selects are a browser's work) and keeps the dashboard /teach/{code} open; thirty simulated students
 * (Vaadin's protocol without a browser, {@link VaadinPage}, each its own cookies: anonymous visitors) join
 * on /join by the code and a name, land on the pushed playground, press play and watch their runs to the
 * end, all training at once. Meanwhile the teacher toggles the lock (a teacher action's round trip) and
 * opens the dashboard again now and then.
 *
 * <p>It prints the dashboard's update interval (the time between two updates of the cards on the teacher's
 * page: changes of {@code class-cards}' {@code data-tick} where the page has it, otherwise the push messages
 * that change a card's {@code data-epoch} or {@code data-state}), page response times (p50, p95) and checks
 * that no student's run is lost: every seat present, every student's run alive or finished (the board's
 * cards, read from the server while the pages are open), every training the server started ended. Exits 1
 * when a run was lost or a step failed. Settings: system properties {@code class.*}.
 */
public final class ClassLoadTest {

    static final String TEACHER = "loadteacher";
    private static final long POLL_MS = 100;
    private static final long HEARTBEAT_MS = 20_000;
    private static final Pattern JOIN_LINK = Pattern.compile("/join/([A-Za-z0-9]{6})");

    private final int students = Integer.getInteger("class.students", 30);
    private final int epochs = Integer.getInteger("class.epochs", 600);
    private final Duration ramp = Duration.ofSeconds(Integer.getInteger("class.rampSeconds", 10));
    private final Duration deadline = Duration.ofSeconds(Integer.getInteger("class.deadlineSeconds", 180));

    private final String base;
    private final ConfigurableApplicationContext app;
    private final Classrooms classrooms;
    private final ClassBoard board;

    // what the clients measured
    private final Samples teacherOpen = new Samples("dashboard open (navigation -> cards in the page)");
    private final Samples dashboardReopen = new Samples("dashboard open while the class trains");
    private final Samples teacherClick = new Samples("teacher's click (lock toggle) round trip");
    private final Samples joinOpen = new Samples("join page response (navigation -> form ready)");
    private final Samples joinToPlayground = new Samples("join click -> pushed playground ready");
    private final Samples studentFrames = new Samples("student push frame interval (training)");
    private final Samples boardInterval = new Samples("dashboard update interval (training)");
    private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<String> outlasted = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger joined = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicInteger playing = new AtomicInteger();
    private final AtomicInteger endedOtherwise = new AtomicInteger();
    // the teacher's page: when the board changed (System.nanoTime()), and which seats it showed
    private final Set<Long> tickTimes = ConcurrentHashMap.newKeySet();
    private final Set<Long> cardMessageTimes = ConcurrentHashMap.newKeySet();
    private final Set<String> seatsShown = ConcurrentHashMap.newKeySet();
    private volatile long trainingFrom;
    private volatile long trainingTo;
    private volatile boolean sawTick;

    private ClassLoadTest(ConfigurableApplicationContext app) {
        this.app = app;
        this.base = "http://localhost:" + ((WebServerApplicationContext) app).getWebServer().getPort() + "/";
        this.classrooms = app.getBean(Classrooms.class);
        this.board = app.getBean(ClassBoard.class);
    }

    public static void main(String[] args) throws Exception {
        Path data = Files.createTempDirectory("layerlab-class-load");
        System.out.println("== LayerLab classroom load test: a teacher and " + Integer.getInteger("class.students", 30)
                + " students");
        System.out.println("   machine: " + Machine.describe() + "; data folder " + data);
        ConfigurableApplicationContext app = new SpringApplicationBuilder(Application.class).run(serverArguments(data));
        int exit;
        try {
            exit = new ClassLoadTest(app).run();
        } finally {
            app.close();
            LoadTest.deleteTree(data);
        }
        System.exit(exit);
    }

    /** LoadTest's, and the teacher role for {@link #TEACHER}; every student comes from 127.0.0.1. */
    private static String[] serverArguments(Path data) {
        return LoadTest.serverArguments(data, "--layerlab.class.join-attempts-per-minute=0",
                "--layerlab.teacher.usernames=" + TEACHER);
    }

    private int run() throws Exception {
        System.out.println("   server up at " + base + "; load at start: " + Machine.loadAverage());
        CookieManager teacherCookies = new CookieManager();
        ApiClient.signUp(base, TEACHER);
        ProtocolUsers.signIn(base, teacherCookies, TEACHER);
        String code = createSession(teacherCookies);
        ClassSession session = classrooms.byCode(code).orElseThrow();
        // the challenge every student trains: the default network on circle data, `epochs` epochs
        String viewState = ShareLinks.queryString(ShareLinks.playgroundQuery(
                PlaygroundSettings.DEFAULTS.toBuilder().epochs(epochs).build()));
        classrooms.push(code, TEACHER, "Load challenge", viewState, null, new Challenge(
                Set.of(ControlLocks.Control.LEARNING_RATE), new Challenge.Goal(Challenge.Metric.TEST_ACCURACY, 0.9, 0, 0)),
                null);
        System.out.println("   session " + code + " created, a challenge pushed; students join over " + ramp.toSeconds() + " s");

        VaadinPage dashboard = openDashboard(teacherCookies, code, teacherOpen);
        dashboard.onAttribute(this::onBoard);
        List<Student> all = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < students; i++) {
            Student s = new Student(i, code, t0 + ramp.multipliedBy(i).dividedBy(students).toNanos());
            all.add(s);
            Thread t = new Thread(s, "class-student-" + i);
            threads.add(t);
            t.start();
        }
        teacherMeanwhile(dashboard, teacherCookies, code, threads);
        for (Thread t : threads) {
            t.join();
        }
        // no run lost: read while the students' pages are still open (a closed page's finished run is let go)
        List<String> lost = checkRuns(session.id());
        for (Student s : all) {
            s.close();
        }
        dashboard.close(false);
        ServerCheck server = new ServerCheck(app.getBean(TrainingRuntime.class));
        server.settle(Duration.ofSeconds(60));
        long serverLost = server.lost(playing.get());
        print(server, lost, serverLost);
        boolean ok = lost.isEmpty() && serverLost == 0 && failures.isEmpty();
        System.out.println(ok ? "PASSED: every student kept their seat and run" : "FAILED: " + (failures.isEmpty()
                ? "runs were lost" : "steps failed"));
        return ok ? 0 : 1;
    }

    /** The teacher creates the session on /teach; its code is read from the page (the join link, a row's data-code). */
    private String createSession(CookieManager cookies) throws IOException, InterruptedException {
        VaadinPage teach = new VaadinPage(base, cookies);
        Set<String> codes = ConcurrentHashMap.newKeySet();
        teach.onAttribute((node, attribute, value, at) -> {
            Matcher m = JOIN_LINK.matcher(value);
            if (m.find()) {
                codes.add(m.group(1).toUpperCase(Locale.ROOT));
            } else if ("data-code".equals(attribute)) {
                codes.add(value.replace("-", "").toUpperCase(Locale.ROOT));
            }
        });
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try {
            teach.open("teach", "");
            teach.type(ProtocolUsers.await(teach, "class-title", end), "Load test class");
            teach.click(ProtocolUsers.await(teach, "class-create", end));
            long wait = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (codes.isEmpty() && teach.problem().isEmpty() && System.nanoTime() < wait) {
                Thread.sleep(20);
            }
        } finally {
            teach.close(false);
        }
        List<ClassSession> mine = classrooms.sessionsOf(TEACHER);
        if (mine.size() != 1) {
            throw new IOException("the teacher's create made " + mine.size() + " sessions" + teach.problem().map(p -> " (" + p + ")").orElse(""));
        }
        String code = mine.get(0).code();
        if (codes.isEmpty()) {
            System.out.println("   (the code was read from the service: the /teach page showed it in no attribute)");
        } else if (!codes.contains(code)) {
            throw new IOException("the page showed the codes " + codes + ", the service made " + code);
        }
        return code;
    }

    private VaadinPage openDashboard(CookieManager cookies, String code, Samples into) throws IOException, InterruptedException {
        VaadinPage page = new VaadinPage(base, cookies);
        long start = System.nanoTime();
        page.open("teach/" + code, "");
        ProtocolUsers.await(page, "class-cards", start + Duration.ofSeconds(60).toNanos());
        into.add(ms(System.nanoTime() - start));
        return page;
    }

    /** The teacher's page: every change of the board, kept by its time. */
    private void onBoard(int node, String attribute, String value, long at) {
        switch (attribute) {
            case "data-tick" -> {
                sawTick = true;
                tickTimes.add(at);
            }
            case "data-epoch", "data-state" -> cardMessageTimes.add(at);
            case "data-seat" -> seatsShown.add(value);
            default -> {
            }
        }
    }

    /**
     * While the students come and train: heartbeats on the dashboard; once all have joined, the lock toggled
     * (locked and unlocked again, each a measured round trip) every 2 s and the dashboard opened again every 6 s.
     */
    private void teacherMeanwhile(VaadinPage dashboard, CookieManager cookies, String code, List<Thread> threads)
            throws IOException, InterruptedException {
        long lastHeartbeat = System.nanoTime();
        long lastToggle = 0;
        long lastReopen = 0;
        int lock = ProtocolUsers.await(dashboard, "class-lock", System.nanoTime() + Duration.ofSeconds(10).toNanos());
        while (threads.stream().anyMatch(Thread::isAlive)) {
            Thread.sleep(POLL_MS);
            long now = System.nanoTime();
            if (dashboard.problem().isPresent()) {
                failures.add("the teacher's dashboard: " + dashboard.problem().get());
                return;
            }
            if (now - lastHeartbeat > HEARTBEAT_MS * 1_000_000) {
                dashboard.heartbeat();
                lastHeartbeat = now;
            }
            boolean allIn = joined.get() == students;
            boolean training = allIn && finished.get() + endedOtherwise.get() < students;
            if (training && now - lastToggle > 2_000_000_000L) {
                for (int i = 0; i < 2; i++) {
                    long t = System.nanoTime();
                    dashboard.click(lock);
                    teacherClick.add(ms(System.nanoTime() - t));
                }
                lastToggle = System.nanoTime();
            }
            if (training && now - lastReopen > 6_000_000_000L) {
                openDashboard(cookies, code, dashboardReopen).close(false);
                lastReopen = System.nanoTime();
            }
        }
        if (classrooms.byCode(code).map(ClassSession::locked).orElse(true)) {
            failures.add("the session was left locked by the teacher's toggles");
        }
    }

    /** Every seat present and not removed; every student's current run alive or finished (the board's cards). */
    private List<String> checkRuns(long sessionId) {
        List<String> lost = new ArrayList<>();
        List<Seat> seats = classrooms.seats(sessionId);
        if (seats.size() != students) {
            lost.add(seats.size() + " seats for " + students + " students");
        }
        seats.stream().filter(Seat::removed).forEach(s -> lost.add(s.displayName() + "'s seat was removed"));
        for (ClassBoard.Card card : board.cards(sessionId)) {
            if (card.run() == null || card.status() == null) {
                lost.add(card.seat().displayName() + " has no run");
                continue;
            }
            RunState state = card.status().state();
            if (state != RunState.FINISHED && state.ended()) {
                lost.add(card.seat().displayName() + "'s run ended " + state + " at epoch " + card.status().epoch());
            }
        }
        if (seatsShown.size() < students) {
            lost.add("the dashboard showed " + seatsShown.size() + " students' cards of " + students);
        }
        return lost;
    }

    private void print(ServerCheck server, List<String> lost, long serverLost) {
        // the board's updates while the class trained (from the first play to the last end)
        List<Long> times = new ArrayList<>(new TreeSet<>(sawTick ? tickTimes : cardMessageTimes));
        List<Long> during = times.stream().filter(t -> t >= trainingFrom && (trainingTo == 0 || t <= trainingTo)).toList();
        for (int i = 1; i < during.size(); i++) {
            boardInterval.add(ms(during.get(i) - during.get(i - 1)));
        }
        System.out.println();
        System.out.println("== Measured (ms), " + students + " students training at once, the teacher's dashboard open");
        System.out.println("  dashboard updates counted by: " + (sawTick ? "class-cards' data-tick"
                : "push messages changing a card's data-epoch/data-state (the page has no data-tick)"));
        for (Samples s : List.of(boardInterval, teacherOpen, dashboardReopen, teacherClick, joinOpen, joinToPlayground,
                studentFrames)) {
            System.out.println("    " + s.line());
        }
        System.out.println();
        System.out.println("== Runs");
        System.out.println(String.format(Locale.ROOT, "  students joined %d, played %d, saw their run finish %d, did not (see below) %d",
                joined.get(), playing.get(), finished.get(), endedOtherwise.get()));
        System.out.println("  on the server: " + server.summary());
        System.out.println("  runs whose student stopped waiting for their end (" + outlasted.size() + "; slow, not lost:"
                + " the server's count says whether they ended):");
        outlasted.forEach(l -> System.out.println("    - " + l));
        System.out.println("  LOST: " + (lost.size() + serverLost));
        lost.forEach(l -> System.out.println("    - " + l));
        server.stuck().forEach(l -> System.out.println("    - on the server: " + l));
        if (!failures.isEmpty()) {
            System.out.println("  steps that failed (" + failures.size() + "):");
            failures.forEach(f -> System.out.println("    - " + f));
        }
        System.out.println("  load average at the end (uptime): " + Machine.loadAverage());
    }

    /** One simulated student: joins on /join, lands on the pushed playground, plays, watches the run to its end. */
    private final class Student implements Runnable {
        final int index;
        final String code;
        final long startAt;
        final CookieManager cookies = new CookieManager();
        final List<VaadinPage> pages = new ArrayList<>();
        private final List<Long> frames = new ArrayList<>();
        private volatile boolean ended;

        Student(int index, String code, long startAt) {
            this.index = index;
            this.code = code;
            this.startAt = startAt;
        }

        String name() {
            return "Student " + (index + 1);
        }

        @Override
        public void run() {
            try {
                long wait = startAt - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000);
                }
                train(join());
            } catch (IOException | RuntimeException e) {
                failures.add(name() + ": " + e);
                if (joined.get() < students) {
                    joined.incrementAndGet(); // not to hold the teacher's part up
                }
                endedOtherwise.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The join page, typed and clicked as a person does; the page it lands on (the pushed playground). */
        private VaadinPage join() throws IOException, InterruptedException {
            long end = System.nanoTime() + deadline.toNanos();
            VaadinPage page = page();
            long start = System.nanoTime();
            page.open("join", "");
            int submit = ProtocolUsers.await(page, "join-submit", end);
            joinOpen.add(ms(System.nanoTime() - start));
            page.type(ProtocolUsers.await(page, "join-code", end), code.substring(0, 3) + "-" + code.substring(3));
            page.type(ProtocolUsers.await(page, "join-name", end), name());
            long clicked = System.nanoTime();
            page.click(submit);
            // the join page navigates to the pushed playground within the tab; a page that reloads instead
            // is followed as a browser would (the visitor cookie keeps the seat)
            long inTab = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (page.node("play-button").isEmpty() && page.problem().isEmpty() && System.nanoTime() < inTab) {
                Thread.sleep(5);
            }
            if (page.node("join-error").isPresent() && page.node("play-button").isEmpty()) {
                throw new IOException("the join was refused");
            }
            if (page.node("play-button").isEmpty()) {
                page.close(false);
                page = page();
                page.open("", "");
            }
            ProtocolUsers.await(page, "play-button", end);
            ProtocolUsers.await(page, "class-bar", end);
            joinToPlayground.add(ms(System.nanoTime() - clicked));
            joined.incrementAndGet();
            return page;
        }

        private void train(VaadinPage page) throws IOException, InterruptedException {
            long end = System.nanoTime() + deadline.toNanos();
            int epochNode = ProtocolUsers.await(page, "epoch", end);
            int playNode = ProtocolUsers.await(page, "play-button", end);
            page.onAttribute((node, attribute, value, at) -> {
                if (node == epochNode && "data-progress".equals(attribute)) {
                    synchronized (frames) {
                        frames.add(at);
                    }
                } else if (node == playNode && "data-playing".equals(attribute) && "false".equals(value)) {
                    synchronized (frames) {
                        ended = !frames.isEmpty();
                    }
                }
            });
            if (!"true".equals(page.attribute(playNode, "data-playing").orElse(""))) {
                page.click(playNode);
            }
            long played = System.nanoTime();
            synchronized (ClassLoadTest.this) {
                if (trainingFrom == 0) {
                    trainingFrom = played;
                }
            }
            playing.incrementAndGet();
            page.stayWhile(() -> !ended && System.nanoTime() < end);
            synchronized (frames) {
                for (int i = 1; i < frames.size(); i++) {
                    studentFrames.add(ms(frames.get(i) - frames.get(i - 1)));
                }
            }
            int epoch = Integer.parseInt(page.attribute(epochNode, "data-epoch").orElse("0"));
            if (ended && epoch >= epochs) {
                finished.incrementAndGet();
            } else if (ended) {
                endedOtherwise.incrementAndGet();
                failures.add(name() + ": the run ended at epoch " + epoch);
            } else {
                // slow, not lost: the server's count and the board's cards say whether it ends
                endedOtherwise.incrementAndGet();
                outlasted.add(name() + ": the run was not seen ending within " + deadline.toSeconds() + " s (epoch " + epoch + ")");
            }
            synchronized (ClassLoadTest.this) {
                trainingTo = Math.max(trainingTo, System.nanoTime());
            }
        }

        private VaadinPage page() {
            VaadinPage p = new VaadinPage(base, cookies);
            synchronized (pages) {
                pages.add(p);
            }
            return p;
        }

        void close() {
            synchronized (pages) {
                pages.forEach(p -> p.close(false));
            }
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
