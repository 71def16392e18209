/// <reference path="../pb_data/types.d.ts" />

// Child alert: see child_alert.js for the rule. Handlers run in their own
// runtime, so each loads the rule with require().

onRecordAfterCreateSuccess((e) => {
  e.next();
  require(`${__hooks}/child_alert.js`).alert(e.app, e.record);
}, "contacts");

onRecordAfterUpdateSuccess((e) => {
  e.next();
  require(`${__hooks}/child_alert.js`).alert(e.app, e.record);
}, "contacts");
