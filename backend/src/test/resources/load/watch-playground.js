// The load test's eyes inside one browser page (LoadTest, BrowserUsers): added to every page of a simulated
// user before the page's own scripts. On a playground opened with "load=1" in its address it records, in
// performance.now() milliseconds (0 = the navigation's start), when the view was ready (and when the server's first byte came), when it pressed play,
// when the page first said it trains, every change of the run's progress on the epoch counter (one per push
// frame: its data-progress, epochs and the batch within) and when the
// run ended; the driver reads window.__layerlabLoad. It presses play itself: one Java thread drives thirty
// pages, and a click by the driver would wait for its turn.
(() => {
  if (window.top !== window || !new URLSearchParams(location.search).has('load')) {
    return;
  }
  const rec = window.__layerlabLoad = {
    ready: null, firstByte: null, clicked: null, playing: null, ended: null, endEpoch: null, frames: [], epochs: [], notices: []
  };
  const epochOf = () => document.querySelector('#epoch')?.dataset.epoch;
  const idle = () => window.Vaadin?.Flow?.clients && Object.keys(window.Vaadin.Flow.clients).length > 0
      && Object.values(window.Vaadin.Flow.clients).every(c => !c.isActive || !c.isActive());

  function watchRun() {
    const epoch = document.querySelector('#epoch');
    const play = document.querySelector('#play-button');
    let last = epoch.dataset.progress;
    new MutationObserver(() => {
      const now = performance.now();
      const p = epoch.dataset.progress;
      if (rec.clicked !== null && p !== last) {
        rec.frames.push(now);
        rec.epochs.push(Number(epoch.dataset.epoch));
      }
      last = p;
    }).observe(epoch, {attributes: true, attributeFilter: ['data-progress']});
    new MutationObserver(() => {
      const now = performance.now();
      if (play.dataset.playing === 'true' && rec.playing === null) {
        rec.playing = now;
      } else if (play.dataset.playing === 'false' && rec.playing !== null && rec.ended === null) {
        rec.ended = now;
        rec.endEpoch = Number(epochOf());
        rec.notices = [...document.querySelectorAll('vaadin-notification-card')].map(c => c.innerText.trim());
      }
    }).observe(play, {attributes: true, attributeFilter: ['data-playing']});
  }

  function pressPlayWhenIdle() {
    if (!idle()) {
      setTimeout(pressPlayWhenIdle, 20);
      return;
    }
    watchRun();
    rec.clicked = performance.now();
    const play = document.querySelector('#play-button');
    if (play.dataset.playing === 'true') {
      // already training (the view found this session's run again): a click would pause it
      rec.playing = rec.clicked;
    } else {
      play.click();
    }
  }

  // the view is ready once its epoch counter and play button are in the page
  const ready = new MutationObserver(() => {
    if (rec.ready === null && epochOf() !== undefined && document.querySelector('#play-button')) {
      rec.ready = performance.now();
      // the server's share of it: Vaadin renders the view into the page's first response
      rec.firstByte = performance.getEntriesByType('navigation')[0]?.responseStart ?? null;
      ready.disconnect();
      pressPlayWhenIdle();
    }
  });
  ready.observe(document, {childList: true, subtree: true, attributes: true, attributeFilter: ['data-epoch']});
})();
