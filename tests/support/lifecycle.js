// The randomized lifecycle walk of tests/web_lifecycle.rs: a seeded sequence of what a page can do
// to a DeskHost, its iframe and the workstation in it, followed by checks of what every command
// promise, every listener and every framed page saw. The Rust test hands in `attach` (a function
// that calls DeskHost.attach and returns the real JS object), so the walk drives the public JS API.
//
// Reproducibility: every step draws the same number of values from the seeded generator whatever
// happens, so a seed always gives the same sequence of decisions. What the browser does between
// them (load times, delivery order) varies from run to run; a failure names its seed, its step and
// the log of the steps before it.

const DRAWS_PER_STEP = 8;

/** The codes a command promise may reject with. */
const CODES = ['TIMEOUT', 'ABORTED', 'DESTROYED', 'QUEUE_FULL', 'NAVIGATED', 'DISCONNECTED', 'REJECTED', 'UNHANDLED'];
/** Codes that promise the workstation did not run the command. */
const NOT_RUN = ['DESTROYED', 'ABORTED', 'QUEUE_FULL', 'NAVIGATED'];
/** The host events the walk listens to. */
const EVENTS = ['ready', 'disconnected', 'error', 'unread_message_count', 'agent_status_changed'];
/** An unread count that only a forged event carries: a listener that sees it was handed a fake. */
const FORGED_COUNT = 777777;

/** Steps and their weights. */
const KINDS = [
  ['command', 26],
  ['burst', 4],
  ['abort', 5],
  ['wait', 9],
  ['wait-ready', 9],
  ['attach', 8],
  ['second-host', 3],
  ['destroy', 3],
  ['reload', 4],
  ['navigate-foreign', 2],
  ['remove', 2],
  ['insert', 3],
  ['move', 1],
  ['emit', 6],
  ['emit-bad', 2],
  ['synthetic-host', 3],
  ['synthetic-frame', 3],
  ['destroy-in-listener', 4],
  ['command-in-listener', 2],
];
const TOTAL_WEIGHT = KINDS.reduce((n, [, w]) => n + w, 0);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** mulberry32: a small seeded generator of floats in [0, 1). */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (r, list) => list[Math.min(list.length - 1, Math.floor(r * list.length))];
const describe = (e) => (e && typeof e === 'object' ? `${e.name ?? 'Error'}${e.code ? ` ${e.code}` : ''}: ${e.message}` : String(e));
const short = (v) => {
  let s;
  try { s = JSON.stringify(v); } catch { s = String(v); }
  return s && s.length > 200 ? `${s.slice(0, 200)}…` : s;
};

/**
 * Run the walk. `config`: { seed, steps, attach(iframe, options), workstation, hostile, skip?,
 * slots? }; `skip` lists step kinds to leave out (each becomes a no-op, so the other steps stay
 * as the seed made them), to look past a known failure. Resolves (never rejects) to
 * { violations, log, figures }: violations as { step, phase, invariant, detail }, log as one
 * line per step (and per notable event).
 *
 * An error in this page (a panic in the library's wasm, an exception from one of its listeners)
 * ends the walk at once: the wasm instance may be unusable after it (a trap leaves its borrows
 * and its stack pointer as they were), and every further call into it could trap again.
 */
export async function runLifecycle(config) {
  const walk = new Walk(config);
  try {
    await walk.run();
  } catch (e) {
    walk.violation('the walk itself runs to the end', `it threw: ${describe(e)}\n${e?.stack ?? ''}`);
  } finally {
    walk.close();
  }
  return { violations: walk.violations, log: walk.log, figures: walk.figures() };
}

class Walk {
  constructor({ seed, steps, attach, workstation, hostile, skip = [], slots = 2 }) {
    this.seed = seed;
    this.skip = new Set(skip);
    for (const kind of this.skip) {
      if (!KINDS.some(([k]) => k === kind)) throw new Error(`skip: no step kind '${kind}' (kinds: ${KINDS.map(([k]) => k).join(', ')})`);
    }
    this.broken = null;
    this.steps = steps;
    this.attach = attach;
    this.workstation = workstation;
    this.hostile = hostile;
    this.random = generator(seed);
    this.step = 0;
    this.phase = 'walk';
    this.log = [];
    this.violations = [];
    this.counts = { steps: {}, outcomes: {}, events: {}, attach: { ok: 0, refused: 0 }, loads: 0, initErrors: 0, lostNavigations: 0, syntheticFrame: 0, syntheticHost: 0 };
    this.hosts = [];
    this.commands = [];
    this.byUid = new Map();
    this.ran = new Map(); // threadUid -> times the workstation's handler ran it
    this.slots = [];
    this.nextHost = 1;
    this.nextCommand = 1;
    this.nextLoad = 1;
    this.connectedLoads = new Set(); // the `load` ids of workstation pages whose DeskFrame connected
    this.started = Date.now();

    this.onMessage = (e) => this.report(e);
    this.onError = (e) => this.broke('no page error in the host page', `error event: ${e.message ?? describe(e.error)}`);
    this.onRejection = (e) => this.broke('no page error in the host page', `unhandled rejection: ${describe(e.reason)}`);
    addEventListener('message', this.onMessage);
    addEventListener('error', this.onError);
    addEventListener('unhandledrejection', this.onRejection);
    for (let i = 0; i < slots; i++) this.slots.push(this.makeSlot(i));
  }

  // --- bookkeeping -----------------------------------------------------------------------------

  note(line) {
    this.log.push(`${this.phase === 'walk' ? `#${this.step}` : this.phase} ${line}`);
  }

  violation(invariant, detail) {
    this.violations.push({ step: this.step, phase: this.phase, invariant, detail });
    this.note(`VIOLATION ${invariant}: ${detail}`);
  }

  /** A violation after which the walk stops: see runLifecycle. */
  broke(invariant, detail) {
    this.violation(invariant, detail);
    this.broken ??= `step ${this.step}: ${invariant}`;
  }

  figures() {
    const ran = [...this.ran.values()].reduce((n, k) => n + k, 0);
    return {
      seed: this.seed,
      steps: this.steps,
      ms: Date.now() - this.started,
      stepsByKind: this.counts.steps,
      commands: this.commands.length,
      commandsByOutcome: this.counts.outcomes,
      handlerRuns: ran,
      hosts: this.hosts.length,
      attach: this.counts.attach,
      workstationLoads: this.counts.loads,
      workstationInitErrors: this.counts.initErrors,
      navigationsReissued: this.counts.lostNavigations,
      eventsDelivered: this.counts.events,
      syntheticInHost: this.counts.syntheticHost,
      syntheticInFrame: this.counts.syntheticFrame,
      violations: this.violations.length,
      stoppedEarly: this.broken,
    };
  }

  /** Fixture reports from the framed pages, whichever window of theirs sent them. */
  report(e) {
    const d = e.data;
    if (!d || d.fixture !== true) return;
    if (e.origin === this.workstation) {
      if (d.kind === 'command') {
        const uid = d.data?.threadUid;
        if (typeof uid === 'string') {
          this.ran.set(uid, (this.ran.get(uid) ?? 0) + 1);
          const c = this.byUid.get(uid);
          if (c) c.ranAtStep ??= this.step;
        }
      } else if (d.kind === 'pageerror') {
        this.violation('no page error in any frame', `workstation page: ${d.message}`);
      } else if (d.kind === 'init-error') {
        // The page was navigated away or removed while its wasm loaded (Firefox rejects the fetch).
        // A workstation that cannot start at all fails the final checks.
        this.counts.initErrors++;
        this.note(`workstation load ${d.load} failed to load its wasm: ${d.message}`);
      } else if (d.kind === 'connect-error') {
        this.violation('the workstation fixture connects', `${d.code}: ${d.message}`);
      } else if (d.kind === 'connected') {
        this.counts.loads++;
        this.connectedLoads.add(d.load);
        this.note(`workstation load ${d.load} connected`);
      }
    } else if (e.origin === this.hostile) {
      if (d.kind === 'received') {
        this.violation('nothing reaches a foreign origin', `the page at ${this.hostile} received ${short(d.data)} from ${d.origin}`);
      }
    }
  }

  // --- the iframes -----------------------------------------------------------------------------

  pageUrl(path, origin, params) {
    const url = new URL(path, origin);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, typeof v === 'string' ? v : JSON.stringify(v));
    url.searchParams.set('report', location.origin);
    return url.href;
  }

  /** Point `slot`'s iframe at a new load of the workstation page. */
  showDesk(slot) {
    slot.load = String(this.nextLoad++);
    slot.page = 'desk';
    slot.iframe.src = this.pageUrl('/www/test/workstation.html', this.workstation, { allow: [location.origin], load: slot.load });
  }

  makeSlot(index) {
    const iframe = document.createElement('iframe');
    iframe.title = `lifecycle slot ${index}`;
    const slot = { index, iframe, page: 'desk', load: null, inDocument: true };
    this.showDesk(slot);
    document.body.appendChild(iframe);
    return slot;
  }

  // --- hosts and commands ----------------------------------------------------------------------

  live(slot) {
    return this.hosts.filter((h) => !h.destroyCalled && (slot === undefined || h.slot === slot));
  }

  /**
   * Options for DeskHost.attach. The origin is always the workstation's: given, or (now and then,
   * when the iframe's src is the workstation page) left to default to the origin of the src. An
   * iframe navigated to the hostile origin has that origin in its src, and a host attached to it
   * without an origin would trust that page, as documented.
   */
  hostOptions(slot, r1, r2, r3) {
    const options = {};
    if (slot.page !== 'desk' || (r1 * 10) % 1 < 0.7) options.origin = this.workstation;
    if (r1 < 0.3) options.messageChannel = false;
    if (r2 < 0.3) options.handshakeTimeout = 1000;
    if (r3 < 0.15) options.queueLimit = 2;
    else if (r3 < 0.3) options.queueLimit = 5;
    return options;
  }

  /** DeskHost.attach on `slot`'s iframe; returns the host record, or null if it threw. */
  attachTo(slot, options, expectRefusal) {
    const others = this.live(slot);
    let host;
    try {
      host = this.attach(slot.iframe, options);
    } catch (e) {
      if (others.length > 0 && e?.code === 'ALREADY_ATTACHED') {
        this.counts.attach.refused++;
        this.note(`attach slot${slot.index} refused: ALREADY_ATTACHED (host #${others[0].id} is live)`);
      } else if (others.length > 0) {
        (e?.name === 'DeskError' ? this.violation : this.broke).call(this, 'a second attach throws ALREADY_ATTACHED', `attach to slot ${slot.index} (live: host #${others[0].id}) threw ${describe(e)}`);
      } else {
        (e?.name === 'DeskError' ? this.violation : this.broke).call(this, 'attach works on an iframe no live host has', `attach to slot ${slot.index} threw ${describe(e)}`);
      }
      return null;
    }
    if (others.length > 0) {
      this.violation('a second attach throws ALREADY_ATTACHED', `attach to slot ${slot.index} succeeded while host #${others.map((h) => h.id).join(', #')} is live`);
    } else if (expectRefusal) {
      this.note('(second-host found no live host: attached as the first)');
    }
    this.counts.attach.ok++;
    const h = { id: this.nextHost++, host, slot, options, destroyCalled: false, protocol: null, readies: 0, disconnects: 0 };
    this.hosts.push(h);
    this.note(`attach slot${slot.index} -> host #${h.id} ${short(options)}`);
    for (const name of EVENTS) this.listen(h, name, (data) => this.delivered(h, name, data));
    return h;
  }

  /** `host.on(name, f)` that never lets an exception escape into the walk. */
  listen(h, name, f) {
    try {
      h.host.on(name, f);
    } catch (e) {
      this.broke('on() accepts a known event name', `host #${h.id}.on('${name}') threw ${describe(e)}`);
    }
  }

  delivered(h, name, data) {
    this.counts.events[name] = (this.counts.events[name] ?? 0) + 1;
    if (h.destroyCalled) {
      this.violation('nothing is delivered after destroy()', `host #${h.id} delivered '${name}' ${short(data)} after destroy() (${h.destroyedBy})`);
    }
    if (name === 'ready') {
      h.protocol = data?.protocol;
      h.readies++;
    } else if (name === 'disconnected') {
      h.disconnects++;
    } else if (name === 'unread_message_count' && data?.totalUnreadCount === FORGED_COUNT) {
      this.violation('a synthetic message event is never delivered', `host #${h.id} delivered a forged unread_message_count`);
    }
  }

  destroy(h, why) {
    const pending = this.commands.filter((c) => c.h === h && !c.outcome);
    h.destroyCalled = true;
    h.destroyedBy = why;
    const connected = safe(() => h.host.connected);
    for (const c of pending) c.cancel ??= { by: 'destroy', connected, step: this.step };
    try {
      h.host.destroy();
    } catch (e) {
      this.broke('destroy() never throws', `host #${h.id}: ${describe(e)}`);
    }
    this.note(`destroy host #${h.id} (${why}; ${pending.length} pending, connected ${connected})`);
  }

  /** Issue a clearUnreadCount with a unique uid on `h`; `how` picks the options. */
  command(h, how, r) {
    const uid = `L${this.seed}-${this.nextCommand++}`;
    const c = { uid, h, how, step: this.step, issuedAfterDestroy: h.destroyCalled, outcome: null, settles: 0 };
    let options;
    if (how === 'timeout') options = { timeout: pick(r, [0, 30, 200, 1000, 5000]) };
    else if (how === 'timeout+signal') options = { timeout: pick(r, [30, 200, 1000]) };
    if (how.includes('signal') || how.startsWith('abort')) {
      c.controller = new AbortController();
      if (how === 'aborted') c.controller.abort();
      options = { ...options, signal: c.controller.signal };
    }
    this.commands.push(c);
    this.byUid.set(uid, c);
    let promise;
    try {
      promise = options ? h.host.clearUnreadCount(uid, options) : h.host.clearUnreadCount(uid);
    } catch (e) {
      c.outcome = { ok: false, thrown: true, name: e?.name, code: e?.code, message: String(e?.message ?? e) };
      this.broke('a command returns a promise, never throws', `host #${h.id} clearUnreadCount('${uid}') threw ${describe(e)}`);
      return c;
    }
    c.connectedAtIssue = safe(() => h.host.connected);
    promise.then(
      () => this.settled(c, { ok: true }),
      (e) => this.settled(c, { ok: false, name: e?.name, code: e?.code, message: String(e?.message ?? e) }),
    );
    if (how === 'abort-now') this.abort(c);
    this.note(`command ${uid} on host #${h.id}${h.destroyCalled ? ' (destroyed)' : ''} ${how}${options?.timeout !== undefined ? ` ${options.timeout} ms` : ''}`);
    return c;
  }

  settled(c, outcome) {
    c.settles++;
    if (c.settles > 1) this.violation('every command settles exactly once', `${c.uid} settled again: ${short(outcome)}`);
    c.outcome = outcome;
    c.settledAtStep = this.step;
    // What the host believed it talked to when the command settled: against a base-protocol peer
    // (ready said protocol 1) a command resolves once posted, and nothing says it ran.
    c.protocolAtSettle = c.h.protocol;
    const key = outcome.ok ? (c.h.protocol === 1 ? 'resolved (base protocol)' : 'resolved') : outcome.code ?? outcome.name;
    this.counts.outcomes[key] = (this.counts.outcomes[key] ?? 0) + 1;
  }

  abort(c) {
    if (!c.controller || c.controller.signal.aborted) return;
    if (!c.outcome) c.cancel ??= { by: 'abort', connected: safe(() => c.h.host.connected), step: this.step };
    c.controller.abort();
  }

  // --- the walk --------------------------------------------------------------------------------

  async run() {
    for (this.step = 1; this.step <= this.steps && !this.broken; this.step++) {
      const r = Array.from({ length: DRAWS_PER_STEP }, this.random);
      let at = r[0] * TOTAL_WEIGHT;
      const kind = KINDS.find(([, w]) => (at -= w) < 0)?.[0] ?? KINDS[0][0];
      if (this.skip.has(kind)) {
        this.note(`(${kind} skipped)`);
        continue;
      }
      this.counts.steps[kind] = (this.counts.steps[kind] ?? 0) + 1;
      await this.perform(kind, this.slots[Math.floor(r[1] * this.slots.length)], r);
      // A long walk says how far it got (shown as it runs with --nocapture).
      if (this.steps > 1000 && this.step % 500 === 0) {
        console.log(`lifecycle walk: step ${this.step} of ${this.steps}, ${Date.now() - this.started} ms, ${this.commands.length} commands, ${this.violations.length} violations`);
      }
      // Let the browser deliver what is due between most steps; sometimes run two at once.
      if (r[7] < 0.85) await sleep(r[7] < 0.6 ? 0 : 5);
    }
    if (this.broken) {
      this.step--;
      this.phase = 'check';
      this.note(`the walk stopped: ${this.broken}`);
      return;
    }
    this.phase = 'end';
    await this.finish();
  }

  async perform(kind, slot, r) {
    const hosts = this.hosts.filter((h) => h.slot === slot);
    const live = this.live(slot);
    // A host of this slot: a live one, now and then one that was destroyed.
    const dead = hosts.filter((h) => h.destroyCalled);
    const someHost = () => (dead.length > 0 && (r[2] < 0.1 || live.length === 0) && r[2] < 0.3 ? pick(r[3], dead) : live.length > 0 ? pick(r[3], live) : null);
    switch (kind) {
      case 'command': {
        const h = someHost();
        if (!h) return this.attachTo(slot, this.hostOptions(slot, r[4], r[5], r[6]), false);
        const how = pick(r[4], ['plain', 'plain', 'plain', 'timeout', 'timeout', 'signal', 'signal', 'abort-now', 'aborted', 'timeout+signal']);
        this.command(h, how, r[5]);
        return;
      }
      case 'burst': {
        const h = someHost();
        if (!h) return;
        const n = 2 + Math.floor(r[4] * 5);
        for (let i = 0; i < n; i++) this.command(h, 'plain', 0);
        return;
      }
      case 'abort': {
        const open = this.commands.filter((c) => c.controller && !c.controller.signal.aborted);
        if (open.length === 0) return this.note('abort: nothing to abort');
        const c = pick(r[4], open);
        this.note(`abort ${c.uid}${c.outcome ? ' (already settled)' : ''}`);
        this.abort(c);
        return;
      }
      case 'wait': {
        const ms = pick(r[4], [10, 20, 50, 100, 200, 400]);
        this.note(`wait ${ms} ms`);
        await sleep(ms);
        return;
      }
      case 'wait-ready': {
        const h = live.length > 0 ? pick(r[3], live) : null;
        if (!h) return this.note(`wait-ready: no live host on slot${slot.index}`);
        const end = Date.now() + 1000;
        while (!safe(() => h.host.connected) && !h.destroyCalled && Date.now() < end) await sleep(10);
        this.note(`wait-ready host #${h.id}: connected ${safe(() => h.host.connected)}`);
        return;
      }
      case 'attach':
        if (live.length > 0) return this.note(`attach: slot${slot.index} has live host #${live[0].id}`);
        this.attachTo(slot, this.hostOptions(slot, r[4], r[5], r[6]), false);
        return;
      case 'second-host':
        this.attachTo(slot, this.hostOptions(slot, r[4], r[5], r[6]), true);
        return;
      case 'destroy': {
        const h = someHost();
        if (!h) return this.note('destroy: no host');
        this.destroy(h, h.destroyCalled ? 'again' : 'step');
        return;
      }
      case 'reload':
        this.showDesk(slot);
        this.note(`reload slot${slot.index}${slot.inDocument ? '' : ' (not in the document)'}: load ${slot.load}`);
        return;
      case 'navigate-foreign':
        slot.load = String(this.nextLoad++);
        slot.iframe.src = this.pageUrl('/www/test/recorder.html', this.hostile, { load: slot.load });
        slot.page = 'hostile';
        this.note(`navigate slot${slot.index} to ${this.hostile}`);
        return;
      case 'remove':
        if (!slot.inDocument) return this.note(`remove: slot${slot.index} is out already`);
        slot.iframe.remove();
        slot.inDocument = false;
        this.note(`remove slot${slot.index}`);
        return;
      case 'insert':
        if (slot.inDocument) return this.note(`insert: slot${slot.index} is in already`);
        document.body.appendChild(slot.iframe);
        slot.inDocument = true;
        this.note(`insert slot${slot.index}`);
        return;
      case 'move':
        slot.iframe.remove();
        document.body.appendChild(slot.iframe);
        slot.inDocument = true;
        this.note(`move slot${slot.index} (remove and insert in one task)`);
        return;
      case 'emit': {
        const count = Math.floor(r[4] * 50);
        const message = r[5] < 0.7
          ? { fixture: 'emit', method: 'emitUnreadCount', args: [count, []] }
          : { fixture: 'emit', method: 'emitAgentStatus', args: [pick(r[6], ['AVAILABLE', 'BUSY', 'AWAY'])] };
        this.toFrame(slot, message);
        this.note(`emit ${message.method}${slot.page === 'desk' ? '' : ` (slot${slot.index} shows ${slot.page})`}`);
        return;
      }
      case 'emit-bad':
        this.toFrame(slot, {
          fixture: 'post',
          message: { type: 'unread_message_count', source: 'bytedesk-desktop', timestamp: Date.now(), data: { totalUnreadCount: 'many' } },
        });
        this.note('emit a malformed unread_message_count');
        return;
      case 'synthetic-host':
        this.syntheticInHost(slot, r);
        return;
      case 'synthetic-frame': {
        const variant = pick(r[4], ['custom', 'event', 'message', 'message-id']);
        const uid = `F${this.seed}-${this.step}`;
        this.counts.syntheticFrame++;
        this.toFrame(slot, { fixture: 'synthetic', variant, uid, id: 1 + Math.floor(r[5] * 20) });
        this.note(`synthetic '${variant}' message event in slot${slot.index}'s page`);
        return;
      }
      case 'destroy-in-listener': {
        const h = live.length > 0 ? pick(r[3], live) : null;
        if (!h) return this.note('destroy-in-listener: no live host');
        const name = pick(r[4], EVENTS);
        let armed = true;
        this.listen(h, name, () => {
          if (!armed) return;
          armed = false;
          this.destroy(h, `in a '${name}' listener`);
        });
        // A listener after it: never called once the one before destroyed the host.
        this.listen(h, name, () => {
          if (h.destroyCalled) {
            this.violation('no listener runs after destroy()', `host #${h.id}: a '${name}' listener ran after destroy() (${h.destroyedBy})`);
          }
        });
        this.note(`host #${h.id}: destroy() in the next '${name}' listener`);
        // Commands that wait now are rejected, never sent, if that listener runs first.
        if (r[5] < 0.7) this.command(h, 'plain', 0);
        return;
      }
      case 'command-in-listener': {
        const h = live.length > 0 ? pick(r[3], live) : null;
        if (!h) return this.note('command-in-listener: no live host');
        const name = pick(r[4], ['ready', 'unread_message_count', 'disconnected']);
        let armed = true;
        this.listen(h, name, () => {
          if (!armed) return;
          armed = false;
          this.command(h, 'plain', 0);
        });
        this.note(`host #${h.id}: a command from the next '${name}' listener`);
        return;
      }
      default:
        throw new Error(`unknown step kind ${kind}`);
    }
  }

  /** Post a fixture request to the page in `slot`, only ever to the workstation's origin. */
  toFrame(slot, message) {
    const w = slot.iframe.contentWindow;
    if (w) w.postMessage(message, this.workstation);
  }

  /** Dispatch on this window a `message` event that no browser delivered. */
  syntheticInHost(slot, r) {
    const variant = pick(r[4], ['custom', 'event-source', 'event-forged', 'message-event', 'message-result', 'message-bye']);
    const source = slot.iframe.contentWindow;
    const envelope = (type, data) => ({ type, data, timestamp: Date.now(), source: 'bytedesk-desktop' });
    let event;
    switch (variant) {
      case 'custom':
        event = new CustomEvent('message');
        break;
      case 'event-source':
        // An own `source` that is the iframe's window, and no origin: finding 1 of issue 18.
        event = new Event('message');
        Object.defineProperty(event, 'source', { value: source });
        break;
      case 'event-forged':
        event = new Event('message');
        Object.defineProperties(event, {
          source: { value: source },
          origin: { value: this.workstation },
          data: { value: envelope('unread_message_count', { totalUnreadCount: FORGED_COUNT, unreadThreads: [] }) },
        });
        break;
      case 'message-event':
        event = messageEvent(source, this.workstation, envelope('unread_message_count', { totalUnreadCount: FORGED_COUNT, unreadThreads: [] }));
        break;
      case 'message-result':
        event = messageEvent(source, this.workstation, envelope('command_result', { id: 1 + Math.floor(r[5] * 20), ok: true }));
        break;
      case 'message-bye':
        event = messageEvent(source, this.workstation, envelope('bytedesk_bye', {}));
        break;
    }
    this.counts.syntheticHost++;
    const disconnects = this.live(slot).map((h) => h.disconnects);
    dispatchEvent(event);
    this.live(slot).forEach((h, i) => {
      if (h.disconnects !== disconnects[i]) {
        this.violation('a synthetic message event is never acted on', `host #${h.id} fired 'disconnected' on a synthetic '${variant}'`);
      }
    });
    this.note(`synthetic '${variant}' message event in the host page (slot${slot.index})`);
  }

  // --- the end ---------------------------------------------------------------------------------

  async finish() {
    // Commands still waiting settle by themselves (an answer, a timeout) or by destroy() below.
    const end = Date.now() + 3000;
    while (this.commands.some((c) => !c.outcome && !c.h.destroyCalled) && Date.now() < end) await sleep(20);

    // Each iframe back in the document and showing the workstation, if the walk left it otherwise
    // (a page the walk left showing, with whatever it went through, stays as it is): the hosts
    // still attached reconnect on their own, and a command on each resolves and runs.
    this.phase = 'final';
    for (const slot of this.slots) {
      if (!slot.inDocument) {
        document.body.appendChild(slot.iframe);
        slot.inDocument = true;
        this.note(`insert slot${slot.index}`);
      }
      if (slot.page !== 'desk') {
        this.showDesk(slot);
        this.note(`reload slot${slot.index}: load ${slot.load}`);
      }
    }
    for (const slot of this.slots) await this.deskShows(slot);
    for (const h of this.live()) await this.works(h, `host #${h.id}, live at the end of the walk`, 'a live host works again once its iframe shows the workstation');
    for (const h of this.live()) this.destroy(h, 'end of the walk');
    await sleep(50);
    for (const c of this.commands) {
      if (!c.outcome) this.violation('every command settles exactly once', `${c.uid} (step ${c.step}, host #${c.h.id}) never settled, also not after destroy()`);
    }

    // A new host on each iframe, and on a new iframe, works.
    for (const slot of this.slots) {
      const h = this.attachTo(slot, { origin: this.workstation }, false);
      if (!h) this.violation('a final command on a fresh host resolves', `slot ${slot.index}: attach failed after every host was destroyed`);
      else await this.works(h, `a fresh host on slot ${slot.index}`, 'a final command on a fresh host resolves');
    }
    const fresh = this.makeSlot(this.slots.length);
    this.slots.push(fresh);
    const h = this.attachTo(fresh, { origin: this.workstation }, false);
    await this.deskShows(fresh);
    if (h) await this.works(h, 'a fresh host on a new iframe', 'a final command on a fresh host resolves');
    for (const h of this.live()) this.destroy(h, 'final check done');
    // Reports a workstation sent just before the end are still on their way.
    await sleep(500);
    this.phase = 'check';
    this.check();
  }

  /**
   * Wait until the workstation page `slot` was last pointed at has connected. Firefox now and then
   * never starts a navigation that was asked for while another, cross-origin one was under way
   * (the server sees no request for it): the iframe keeps showing the page before. Such a slot is
   * pointed at the workstation again (at most three times), and the figures count it.
   */
  async deskShows(slot) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const end = Date.now() + 10000;
      while (!this.connectedLoads.has(slot.load) && Date.now() < end) await sleep(20);
      if (this.connectedLoads.has(slot.load)) return;
      this.counts.lostNavigations++;
      this.note(`slot${slot.index}: workstation load ${slot.load} never connected; loading it again`);
      this.showDesk(slot);
    }
    this.violation('the workstation fixture loads', `slot ${slot.index}: load ${slot.load} did not connect in 10 s, three times over`);
  }

  /** `h` connects within 10 s, and a command on it resolves and runs within 10 s more. */
  async works(h, what, invariant) {
    if (this.broken) return;
    let end = Date.now() + 10000;
    while (safe(() => h.host.connected) !== true && !h.destroyCalled && Date.now() < end) await sleep(20);
    const c = this.command(h, 'plain', 0);
    end = Date.now() + 10000;
    while ((!c.outcome || (c.outcome.ok && !this.ran.has(c.uid))) && Date.now() < end) await sleep(20);
    if (!c.outcome?.ok || !this.ran.has(c.uid)) {
      this.violation(invariant, `${what}: ${c.uid} ${c.outcome ? short(c.outcome) : 'did not settle in 10 s'}, ran ${this.ran.get(c.uid) ?? 0} times; the host: connected ${safe(() => h.host.connected)}, ${h.readies} ready and ${h.disconnects} disconnected events`);
    }
  }

  check() {
    for (const c of this.commands) {
      const o = c.outcome;
      const ran = this.ran.get(c.uid) ?? 0;
      const where = `${c.uid} (step ${c.step}, ${c.how}, host #${c.h.id}, settled at step ${c.settledAtStep})`;
      if (!o || o.thrown) continue;
      if (ran > 1) this.violation('a command runs at most once', `${where} ran ${ran} times`);
      if (o.ok) {
        if (ran === 0 && c.protocolAtSettle !== 1) this.violation('resolved only if the workstation ran it', `${where} resolved, but its handler never ran`);
        continue;
      }
      if (o.name !== 'DeskError' || !CODES.includes(o.code)) {
        this.violation('a command rejects only with a DeskError of a known code', `${where} rejected ${o.name} ${o.code}: ${o.message}`);
        continue;
      }
      if (NOT_RUN.includes(o.code) && ran > 0) {
        const cancel = c.cancel ? ` (${c.cancel.by} at step ${c.cancel.step}, the host ${c.cancel.connected ? 'connected' : 'not connected'} then)` : '';
        this.violation(`${o.code} only if the workstation did not run it`, `${where} rejected ${o.code} but its handler ran${cancel}`);
      }
      if (o.code === 'REJECTED' || o.code === 'UNHANDLED') {
        this.violation('the fixture handles every command', `${where} rejected ${o.code}: ${o.message}`);
      }
      if (c.issuedAfterDestroy && o.code !== 'DESTROYED' && o.code !== 'ABORTED') {
        this.violation('a destroyed host rejects commands with DESTROYED', `${where} rejected ${o.code}`);
      }
    }
    for (const [uid, n] of this.ran) {
      if (!this.byUid.has(uid)) {
        this.violation('the workstation runs only what a host sent', `its handler ran '${uid}' (${n} times), which no host sent${uid.startsWith('F') ? ': a synthetic event in its page' : ''}`);
      }
    }
  }

  close() {
    removeEventListener('message', this.onMessage);
    removeEventListener('error', this.onError);
    removeEventListener('unhandledrejection', this.onRejection);
    if (!this.broken) for (const h of this.live()) safe(() => h.host.destroy());
    for (const slot of this.slots) slot.iframe.remove();
  }
}

/**
 * A script-made MessageEvent that names `source` and `origin`. Firefox's constructor refuses a
 * cross-origin window as `source` (a TypeError); the event then gets it as an own property, which
 * is what a page script would do next.
 */
function messageEvent(source, origin, data) {
  try {
    return new MessageEvent('message', { source, origin, data });
  } catch {
    const event = new MessageEvent('message', { origin, data });
    Object.defineProperty(event, 'source', { value: source });
    return event;
  }
}

function safe(f) {
  try {
    return f();
  } catch (e) {
    return `threw ${describe(e)}`;
  }
}
