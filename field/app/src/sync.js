// Sync over uppsok's field protocol (WatermelonDB's contract): pull the
// changes since the last pull and merge them, then push local changes with
// the pull's cursor; on 409 pull again and retry. Local changes always win
// per column over the server's (WatermelonDB's merge rule).
import { store } from "./store.js";
import { SCHEMA_VERSION, migrationSince, outgoing } from "./schema3.js";

export { SCHEMA_VERSION };
const WRITABLE = ["outreach_sessions", "contacts"];
const LOCAL = ["_status", "_changed", "_rev", "_rejected", "_at"];

// strip leaves out the local bookkeeping that the server has no use for.
function strip(rec) {
  const out = {};
  for (const [k, v] of Object.entries(rec)) if (k !== "_rev" && k !== "_rejected" && k !== "_at") out[k] = v;
  return out;
}

async function pull(api) {
  const last = (await store.meta("lastPulledAt")) || 0;
  // A tablet that synced with an older app (which did not store its
  // version: 2) asks for the columns added since (migration sync).
  const had = last ? (await store.meta("schemaVersion")) || 2 : SCHEMA_VERSION;
  const mig = migrationSince(had);
  const res = await api.get(`/api/field/sync?last_pulled_at=${last}&schema_version=${SCHEMA_VERSION}` +
    (mig ? `&migration=${encodeURIComponent(JSON.stringify(mig))}` : ""));
  const tables = Object.keys(res.changes);
  await store.batch(tables, async (get, put, remove) => {
    for (const table of tables) {
      const ch = res.changes[table];
      const incoming = [...(ch.created || []), ...(ch.updated || [])];
      const seen = new Set();
      for (const rec of incoming) {
        seen.add(rec.id);
        const local = await get(table, rec.id);
        if (!local || local._status === "synced") {
          await put(table, { ...rec, _status: "synced", _changed: "", _rev: local ? local._rev : 0 });
        } else if (local._status === "updated") {
          // Merge: the server's record with the local changed columns on top.
          const merged = { ...rec };
          for (const col of (local._changed || "").split(",").filter(Boolean)) merged[col] = local[col];
          for (const k of LOCAL) merged[k] = local[k];
          if (local.person_code) merged.person_code = local.person_code;
          await put(table, merged);
        }
        // created or deleted locally: the local state is pushed next.
      }
      for (const id of ch.deleted || []) {
        const local = await get(table, id);
        if (!local || local._status === "created") continue;
        // A colleague deleted a record that holds an edit made here: the
        // edit is kept and the worker is asked what to do with it.
        if (local._status === "updated") await put(table, { ...local, _rejected: "deleted" });
        else await remove(table, id);
      }
    }
  });
  if (res.experimentalStrategy === "replacement") {
    // Replacement sync: drop synced records the server no longer sends,
    // keep every unsynced change.
    for (const table of tables) {
      const keep = new Set([...(res.changes[table].updated || []), ...(res.changes[table].created || [])].map((r) => r.id));
      for (const rec of await store.all(table)) {
        if (rec._status === "synced" && !keep.has(rec.id)) await store.remove(table, rec.id);
      }
    }
  }
  await store.setMeta("lastPulledAt", res.timestamp);
  await store.setMeta("schemaVersion", SCHEMA_VERSION);
  return res.timestamp;
}

async function localChanges() {
  const changes = {};
  const pushed = [];
  for (const table of WRITABLE) {
    const c = { created: [], updated: [], deleted: [] };
    for (const rec of await store.all(table)) {
      if (rec._rejected) continue;
      const out = table === "contacts" ? outgoing(strip(rec)) : strip(rec);
      if (rec._status === "created") c.created.push(out);
      else if (rec._status === "updated") c.updated.push(out);
      else if (rec._status === "deleted") c.deleted.push(rec.id);
      else continue;
      pushed.push({ table, id: rec.id, rev: rec._rev, status: rec._status });
    }
    changes[table] = c;
  }
  return { changes, pushed };
}

async function markPushed(pushed, res) {
  const rejected = new Map(); // "table/id" -> reason (true when the server gave none)
  for (const [table, ids] of Object.entries(res.rejected || {})) for (const id of ids) rejected.set(table + "/" + id, true);
  for (const [table, m] of Object.entries(res.rejected_reasons || {})) for (const [id, why] of Object.entries(m || {})) rejected.set(table + "/" + id, why || true);
  await store.batch(WRITABLE, async (get, put, remove) => {
    for (const p of pushed) {
      const cur = await get(p.table, p.id);
      if (!cur) continue;
      if (rejected.has(p.table + "/" + p.id)) {
        if (p.status === "deleted") { await remove(p.table, p.id); continue; } // gone on the server too
        await put(p.table, { ...cur, _rejected: rejected.get(p.table + "/" + p.id) });
        continue;
      }
      if (cur._rev !== p.rev) continue; // edited during the push: push again
      if (p.status === "deleted") {
        await remove(p.table, p.id);
        continue;
      }
      const done = { ...cur, _status: "synced", _changed: "" };
      delete done.person_code; // the raw code never stays on the tablet
      await put(p.table, done);
    }
  });
  return rejected.size;
}

function uuidv4() {
  return crypto.randomUUID ? crypto.randomUUID() : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
    (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16));
}

// push sends the local changes and books the reply into report.
async function push(api, cursor, changes, pushed, report) {
  const res = await api.post(`/api/field/sync?schema_version=${SCHEMA_VERSION}`, { changes, last_pulled_at: cursor }, { "Idempotency-Key": uuidv4() });
  report.pushed += pushed.length;
  report.rejected += await markPushed(pushed, res);
  report.sanitized = res.sanitized || {};
  for (const ids of Object.values(res.followups_raised || {})) report.followups += (ids || []).length;
  report.wipe = res.wipe === true;
  return res;
}

// synchronize runs one full sync and returns a report for the worker.
// report.wipe is set when the server says the device was returned and
// this push was its last: the caller erases the local data only then.
export async function synchronize(api) {
  const report = { pushed: 0, rejected: 0, sanitized: {}, conflict: false, followups: 0, wipe: false };
  for (let attempt = 0; attempt < 4; attempt++) {
    let cursor;
    try {
      cursor = await pull(api);
    } catch (e) {
      if (!e.pushFirst) throw e;
      // A returned tablet: pulls are refused, but what it holds is pushed
      // before anything is erased (the reply carries wipe).
      const { changes, pushed } = await localChanges();
      await push(api, (await store.meta("lastPulledAt")) || 0, changes, pushed, report);
      return report;
    }
    const { changes, pushed } = await localChanges();
    if (pushed.length === 0) return report;
    try {
      const res = await push(api, cursor, changes, pushed, report);
      if (res.wipe) return report;
      // The pushed records come back with the server's values (sanitised
      // notes, for example) on the next pull.
      await pull(api);
      return report;
    } catch (e) {
      if (e.status === 409) {
        report.conflict = true; // someone else changed a record: pull, merge, push again
        continue;
      }
      throw e;
    }
  }
  throw new Error("conflict not resolved after 4 attempts");
}

export { uuidv4 };
