/* The segment editor: use a translation-memory suggestion, and keep the status in step.
 *
 * Progressive enhancement: without this file the page works (suggestions can be copied by
 * hand, the status chosen in the list). Everything is found through data attributes inside
 * an element marked [data-segment-editor]:
 *   data-msg-used                  said when a suggestion was copied into the translation box
 *   data-msg-status                said when the status was switched to "translated"
 *   [data-segment-target]          the translation textarea
 *   [data-segment-status]          the status select
 *   [data-use-suggestion="<id>"]   button (hidden until here): copy the text of element <id>
 *   [data-segment-announce]        a polite live region for the messages above
 *
 * A segment that gets a text while its status is still "untranslated" is switched to
 * "translated" once, and that is announced; the translator can change it back.
 */
(function () {
  "use strict";

  function setUp(root) {
    var target = root.querySelector("[data-segment-target]");
    var status = root.querySelector("[data-segment-status]");
    var announcer = root.querySelector("[data-segment-announce]");
    if (!target) {
      return;
    }

    function announce(text) {
      if (!announcer || !text) {
        return;
      }
      announcer.textContent = "";
      window.setTimeout(function () { announcer.textContent = text; }, 50);
    }

    function promoteStatus() {
      if (status && status.value === "untranslated" && target.value.trim() !== "") {
        status.value = "translated";
        status.dispatchEvent(new Event("change", { bubbles: true }));
        return true;
      }
      return false;
    }

    target.addEventListener("input", function () {
      if (promoteStatus()) {
        announce(root.getAttribute("data-msg-status"));
      }
    });

    Array.prototype.forEach.call(root.querySelectorAll("[data-use-suggestion]"), function (button) {
      var source = document.getElementById(button.getAttribute("data-use-suggestion"));
      if (!source) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        target.value = source.textContent;
        // Let other listeners (the unsaved-changes guard) see the change.
        target.dispatchEvent(new Event("input", { bubbles: true }));
        target.focus();
        target.setSelectionRange(0, 0);
        target.scrollIntoView({ block: "center" });
        announce(root.getAttribute("data-msg-used"));
      });
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-segment-editor]"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
