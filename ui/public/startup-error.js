// Fills the start-up error page from what the shell injected (see startup-error.html).
(function () {
  var s = window.__CASEDESK_STARTUP__ || {};
  function put(id, text) {
    var el = document.getElementById(id);
    if (el) el.textContent = text || "—";
  }
  put("reason-zh", s.message_zh);
  put("reason-en", s.message_en);
  put("data-dir", s.data_dir);
  put("code", s.code);
})();
