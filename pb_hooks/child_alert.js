// Local additions to the child rule, shared by the hooks in child_alert.pb.js.
//
// The child rule itself is compiled into uppsok (package followups) and is
// always active: every contact about a child (under_15, 15_17) whose role is
// sells_sex or at_risk, that has any indicator, whose assessment is other
// than none/unknown, or whose actions include report_of_concern or
// police_report gets a follow-up in the same transaction as the contact.
// Nothing here can turn that off.
//
// Here a municipality may WIDEN the rule (extraReasons) and e-mails the
// leads when any follow-up is raised. Restart the service after editing.
// Mails carry no personal data: only that a follow-up exists, its due date
// and a link to it in the staff console.

// extraReasons: the local additions, or null for none (the default).
// To widen the rule, replace null with a function that returns the local
// reason codes for a contact (an empty list for a contact it does not
// cover). Example, to follow up young adults with suspected trafficking as
// well:
//
//   const extraReasons = function (contact) {
//     if (contact.getString("age_band") === "18_20" &&
//         contact.getString("assessment") === "suspected_trafficking") {
//       return ["local_young_adult_trafficking"];
//     }
//     return [];
//   };
//
// While it is null, child_alert.pb.js binds no hook to contacts at all: a
// JS hook costs every saved contact a trip into the JS runtime (about a
// fifth of a tablet's push), for nothing.
const extraReasons = null;

// widen raises a follow-up for a contact that only the local rule covers.
// A contact that already has a follow-up (the built-in rule raised it in the
// contact's own transaction) gets no second one.
function widen(app, contact) {
  if (typeof extraReasons !== "function") {
    return;
  }
  const reasons = extraReasons(contact);
  if (!reasons || reasons.length === 0) {
    return;
  }
  try {
    app.findFirstRecordByData("follow_ups", "contact", contact.id);
    return; // already raised
  } catch (_) {
    // none yet
  }
  const followUp = new Record(app.findCollectionByNameOrId("follow_ups"));
  followUp.set("contact", contact.id);
  followUp.set("team", contact.getString("team"));
  followUp.set("reasons", reasons);
  app.save(followUp); // uppsok fills in status, due date and the copies
}

// mail tells the team's leads that a follow-up was raised, when mail is set up.
function mail(app, followUp) {
  const settings = app.settings();
  if (!settings.smtp.enabled) {
    return;
  }
  const team = followUp.getString("team");
  const leads = app.findRecordsByFilter("users", "team = {:team} && role = 'lead'", "", 0, 0, { team: team });
  // The lead opens it in the staff console (Uppföljningar).
  const url = settings.meta.appURL.replace(/\/$/, "") + "/console/#/uppfoljningar/" + followUp.id;
  const due = followUp.getString("due_on");
  for (const lead of leads) {
    const message = new MailerMessage({
      from: { address: settings.meta.senderAddress, name: settings.meta.senderName },
      to: [{ address: lead.email() }],
      subject: "uppsok: uppföljning krävs (barn) / follow-up needed (child)",
      text:
        "En kontakt med ett barn har registrerats i ditt team och ska följas upp senast " + due + ".\n" +
        "Barnet är ett möjligt brottsoffer: gör en orosanmälan och samråd med Barnahus vid behov.\n" +
        "Öppna uppföljningen / open the follow-up: " + url + "\n\n" +
        "A contact with a child was logged in your team and must be followed up by " + due + ".",
    });
    app.newMailClient().send(message);
  }
}

// widens reports whether the rule has local additions.
function widens() {
  return typeof extraReasons === "function";
}

module.exports = { extraReasons, widens, widen, mail };
