// The local database: IndexedDB, one object store per synced table plus
// "meta". Local records carry WatermelonDB's bookkeeping: _status
// ("synced" | "created" | "updated" | "deleted") and _changed (the columns
// changed since the last sync), and _rev, a local revision that tells a
// push apart from edits made while it was in flight.
const DB_NAME = "uppsok-field";
const TABLES = ["contacts", "outreach_sessions", "teams", "workers", "info_cards"];

let dbPromise = null;

function open() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        for (const t of TABLES) req.result.createObjectStore(t, { keyPath: "id" });
        req.result.createObjectStore("meta");
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  return dbPromise;
}

function tx(stores, mode, fn) {
  return open().then((db) => new Promise((resolve, reject) => {
    const t = db.transaction(stores, mode);
    let result;
    Promise.resolve(fn(t)).then((r) => { result = r; }, reject);
    t.oncomplete = () => resolve(result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  }));
}

const req = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });

export const store = {
  tables: TABLES,
  all: (table) => tx([table], "readonly", (t) => req(t.objectStore(table).getAll())),
  get: (table, id) => tx([table], "readonly", (t) => req(t.objectStore(table).get(id))),
  put: (table, rec) => tx([table], "readwrite", (t) => req(t.objectStore(table).put(rec))),
  remove: (table, id) => tx([table], "readwrite", (t) => req(t.objectStore(table).delete(id))),
  meta: (key) => tx(["meta"], "readonly", (t) => req(t.objectStore("meta").get(key))),
  setMeta: (key, value) => tx(["meta"], "readwrite", (t) => req(t.objectStore("meta").put(value, key))),
  // batch runs fn(get, put, remove) over several tables in one transaction.
  batch: (tables, fn) => tx(tables, "readwrite", (t) => fn(
    (table, id) => req(t.objectStore(table).get(id)),
    (table, rec) => req(t.objectStore(table).put(rec)),
    (table, id) => req(t.objectStore(table).delete(id)),
  )),
  // wipe erases every local record and setting (revoked device, sign-out).
  wipe: async () => {
    const db = await open();
    db.close();
    dbPromise = null;
    await new Promise((resolve) => {
      const r = indexedDB.deleteDatabase(DB_NAME);
      r.onsuccess = r.onerror = r.onblocked = () => resolve();
    });
  },
};

// Local writes by the worker: a create, an update of some columns, a delete.
export async function createLocal(table, rec) {
  const row = { ...rec, _status: "created", _changed: "", _rev: 1, _at: Date.now() };
  await store.put(table, row);
  return row;
}

export async function updateLocal(table, id, changes) {
  return store.batch([table], async (get, put) => {
    const old = await get(table, id);
    if (!old) throw new Error("no such record " + id);
    const changed = new Set((old._changed || "").split(",").filter(Boolean));
    for (const k of Object.keys(changes)) if (JSON.stringify(old[k]) !== JSON.stringify(changes[k])) changed.add(k);
    const row = { ...old, ...changes, _rev: (old._rev || 0) + 1, _at: Date.now() };
    if (old._status === "synced") row._status = "updated";
    row._changed = [...changed].join(",");
    await put(table, row);
    return row;
  });
}

export async function deleteLocal(table, id) {
  return store.batch([table], async (get, put, remove) => {
    const old = await get(table, id);
    if (!old) return;
    if (old._status === "created") await remove(table, id); // never reached the server
    else await put(table, { ...old, _status: "deleted", _rev: (old._rev || 0) + 1 });
  });
}
