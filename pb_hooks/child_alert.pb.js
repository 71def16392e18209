/// <reference path="../pb_data/types.d.ts" />

// Child alert: see child_alert.js. The built-in child rule (Go) raises the
// follow-up; these hooks widen the rule locally and mail the leads. Handlers
// run in their own runtime, so each loads child_alert.js with require().

onRecordAfterCreateSuccess((e) => {
  e.next();
  require(`${__hooks}/child_alert.js`).widen(e.app, e.record);
}, "contacts");

onRecordAfterUpdateSuccess((e) => {
  e.next();
  require(`${__hooks}/child_alert.js`).widen(e.app, e.record);
}, "contacts");

onRecordAfterCreateSuccess((e) => {
  e.next();
  require(`${__hooks}/child_alert.js`).mail(e.app, e.record);
}, "follow_ups");
