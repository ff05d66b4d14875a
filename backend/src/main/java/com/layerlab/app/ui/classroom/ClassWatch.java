package com.layerlab.app.ui.classroom;

import com.layerlab.app.ui.PageWatch;
import com.vaadin.flow.component.UI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The live subscriptions a teacher's page holds while it is attached (the board's ticks, the session's
 * events): opened on attach, closed on detach, and closed too when the browser goes silent without a word
 * (a sleeping laptop holds no subscription for long: {@link PageWatch}). The dashboard and a student's run
 * page both hold theirs through one of these.
 */
final class ClassWatch {

    private final PageWatch pages;
    private final Function<UI, List<? extends AutoCloseable>> open;
    /** What the page closes besides (a run's subscription it made later), when the watches end. */
    private final Runnable alsoOnEnd;
    private final List<AutoCloseable> held = new ArrayList<>();
    private PageWatch.Watch silence;

    /**
     * @param open      the subscriptions to hold for a page of {@code UI} (its callbacks reach the page
     *                  through {@link ClassPages#access})
     * @param alsoOnEnd run when they end (on detach or silence), or a no-op
     */
    ClassWatch(PageWatch pages, Function<UI, List<? extends AutoCloseable>> open, Runnable alsoOnEnd) {
        this.pages = pages;
        this.open = open;
        this.alsoOnEnd = alsoOnEnd;
    }

    /** The page attached to {@code ui}: its subscriptions open (any still held from before are closed first). */
    void attach(UI ui) {
        // not end(): what the page made before it attached (a run's subscription made in beforeEnter) stays
        closeHeld();
        endSilence();
        synchronized (this) {
            held.addAll(open.apply(ui));
        }
        // the silence callback comes from PageWatch's timer, not the page's thread: end() is synchronized
        silence = pages.watch(ui, this::end);
    }

    /** The page detached: its subscriptions and its silence watch end. */
    void detach() {
        end();
        endSilence();
    }

    private void endSilence() {
        PageWatch.Watch s = silence;
        silence = null;
        if (s != null) {
            s.end();
        }
    }

    /** Closes what is held and what the page closes besides (twice is harmless). */
    synchronized void end() {
        closeHeld();
        alsoOnEnd.run();
    }

    private synchronized void closeHeld() {
        for (AutoCloseable c : held) {
            try {
                c.close();
            } catch (Exception e) {
                // a registration's close does not throw (ClassEvents.Registration): nothing to tell
            }
        }
        held.clear();
    }

    /** Subscriptions held now, for tests. */
    synchronized int held() {
        return held.size();
    }
}
