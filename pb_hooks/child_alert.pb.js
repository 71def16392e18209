/// <reference path="../pb_data/types.d.ts" />

// Child alert: see child_alert.js. The built-in child rule (Go) raises the
// follow-up; these hooks widen the rule locally and mail the leads. Handlers
// run in their own runtime, so each loads child_alert.js with require().

// The contact hooks are bound only when child_alert.js widens the rule
// (its extraReasons is a function): otherwise they would do nothing, at a
// cost for every contact a tablet pushes. A child_alert.js edited before
// this release has no widens() and always widens: bound, as then.
const childAlert = require(`${__hooks}/child_alert.js`);
if (typeof childAlert.widens !== "function" || childAlert.widens()) {
  onRecordAfterCreateSuccess((e) => {
    e.next();
    require(`${__hooks}/child_alert.js`).widen(e.app, e.record);
  }, "contacts");

  onRecordAfterUpdateSuccess((e) => {
    e.next();
    require(`${__hooks}/child_alert.js`).widen(e.app, e.record);
  }, "contacts");
}

onRecordAfterCreateSuccess((e) => {
  e.next();
  require(`${__hooks}/child_alert.js`).mail(e.app, e.record);
}, "follow_ups");
