// The child-alert rule, shared by the hooks in child_alert.pb.js.
//
// A contact about a child (under 18) with suspected trafficking or
// exploitation gets a follow-up for the team's lead, and the lead an e-mail
// when mail is configured. A municipality may change the rule here (e.g.
// add "indicators") without rebuilding uppsok; restart the service after
// editing. The alert carries no personal data: only the team, the reason
// and a link to the follow-up in the dashboard.

const CHILD_AGE_BANDS = ["under_15", "15_17"];

const REASONS = {
  suspected_trafficking: "child_trafficking",
  suspected_exploitation: "child_exploitation",
};

// reasonFor returns the follow-up reason for a contact, or "" for none.
function reasonFor(contact) {
  if (!CHILD_AGE_BANDS.includes(contact.getString("age_band"))) {
    return "";
  }
  return REASONS[contact.getString("assessment")] || "";
}

// alert records the follow-up (once per contact) and mails the leads.
function alert(app, contact) {
  const reason = reasonFor(contact);
  if (!reason) {
    return;
  }
  try {
    app.findFirstRecordByData("follow_ups", "contact", contact.id);
    return; // already raised for this contact
  } catch (_) {
    // none yet
  }

  const team = contact.getString("team");
  const followUp = new Record(app.findCollectionByNameOrId("follow_ups"));
  followUp.set("contact", contact.id);
  followUp.set("team", team);
  followUp.set("reason", reason);
  followUp.set("done", false);
  app.save(followUp);

  const settings = app.settings();
  if (!settings.smtp.enabled) {
    return;
  }
  const leads = app.findRecordsByFilter("users", "team = {:team} && role = 'lead'", "", 0, 0, { team: team });
  const url = settings.meta.appURL.replace(/\/$/, "") + "/_/#/collections?collection=follow_ups&recordId=" + followUp.id;
  for (const lead of leads) {
    const message = new MailerMessage({
      from: { address: settings.meta.senderAddress, name: settings.meta.senderName },
      to: [{ address: lead.email() }],
      subject: "uppsok: uppföljning krävs (barn) / follow-up needed (child)",
      text:
        "En kontakt med ett barn och misstanke om människohandel eller exploatering har registrerats i ditt team.\n" +
        "Barnet är ett möjligt brottsoffer: gör en orosanmälan och samråd med Barnahus vid behov.\n" +
        "Öppna uppföljningen / open the follow-up: " + url + "\n\n" +
        "A contact with a child and suspected trafficking or exploitation was logged in your team.",
    });
    app.newMailClient().send(message);
  }
}

module.exports = { alert, reasonFor };
