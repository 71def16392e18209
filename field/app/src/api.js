// HTTP calls to uppsok. Errors are classified for the UI: offline, signed
// out (401), wipe (403 with data.wipe from a revoked device), or other.
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || "HTTP " + status);
    this.status = status;
    this.body = body || {};
  }
  get wipe() { return this.status === 403 && !!(this.body.data && this.body.data.wipe); }
  // pushFirst: a returned device (sync protocol, Devices) may push once more before it wipes.
  get pushFirst() { return this.wipe && !!this.body.data.push_first; }
  get offline() { return this.status === 0; }
}

export function makeApi(getToken) {
  async function call(method, path, body, headers = {}) {
    let res;
    try {
      res = await fetch(path, {
        method,
        headers: { ...(body ? { "Content-Type": "application/json" } : {}), ...(getToken() ? { Authorization: getToken() } : {}), ...headers },
        body: body ? JSON.stringify(body) : undefined,
        cache: "no-store",
      });
    } catch (e) {
      throw new ApiError(0, { message: "offline" });
    }
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) throw new ApiError(res.status, data);
    return data;
  }
  return {
    get: (path) => call("GET", path),
    post: (path, body, headers) => call("POST", path, body, headers),
  };
}
