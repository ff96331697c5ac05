/* The adaptation editor: a live preview, and a warning before unsaved changes are lost.
 *
 * Progressive enhancement: the page works without this file (the form still saves).
 * Everything is found through data attributes inside an element marked [data-editor]:
 *   data-preview-url           where to POST the Markdown (form field "markdown"); answers {"html": ...}
 *   data-editor-start-dirty    the text in the box is not saved yet (the merge page)
 *   data-msg-*                 translated messages (updating, updated, failed with {status}, unsaved)
 *   [data-editor-form]         the form; submitting it turns the unsaved-changes warning off
 *   [data-editor-input]        the Markdown textarea
 *   [data-editor-preview]      where the rendered HTML goes (sanitized by the server)
 *   [data-editor-live]         checkbox: update the preview while typing
 *   [data-editor-refresh]      button: update the preview now
 *   [data-editor-status]       a short status line
 *   [data-editor-error]        shown when the preview fails
 *   [data-editor-dirty-badge]  shown while there are unsaved changes
 *   [data-editor-js-only]      hidden without JavaScript, shown here
 *   [data-editor-nojs]         shown without JavaScript, hidden here
 * The CSRF token comes from <meta name="csrf-token"> or data-csrf-token on the editor element.
 *
 * Two small helpers work on any page:
 *   form[data-unsaved-guard]          warn before leaving once a field changed, not on submit
 *   [data-select-on-input="<id>"]     typing in this field checks the radio button with that id
 */
(function () {
  "use strict";

  var DELAY_MS = 300;

  function csrfToken(root) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return (meta && meta.getAttribute("content")) || root.getAttribute("data-csrf-token") || "";
  }

  function message(root, name, status) {
    var text = root.getAttribute("data-msg-" + name) || "";
    return status === undefined ? text : text.replace("{status}", status);
  }

  function each(root, selector, callback) {
    Array.prototype.forEach.call(root.querySelectorAll(selector), callback);
  }

  function setUpEditor(root) {
    var input = root.querySelector("[data-editor-input]");
    if (!input) {
      return;
    }
    var form = root.querySelector("[data-editor-form]") || input.form;
    var preview = root.querySelector("[data-editor-preview]");
    var live = root.querySelector("[data-editor-live]");
    var refresh = root.querySelector("[data-editor-refresh]");
    var status = root.querySelector("[data-editor-status]");
    var error = root.querySelector("[data-editor-error]");
    var url = root.getAttribute("data-preview-url");
    var startDirty = root.hasAttribute("data-editor-start-dirty");

    var timer = null;
    var controller = null;
    var sequence = 0;
    var lastRendered = null;
    var submitting = false;

    each(root, "[data-editor-js-only]", function (element) { element.hidden = false; });
    each(root, "[data-editor-nojs]", function (element) { element.hidden = true; });

    function isDirty() {
      return startDirty || input.value !== input.defaultValue;
    }

    function showDirty() {
      var dirty = isDirty();
      each(root, "[data-editor-dirty-badge]", function (badge) { badge.hidden = !dirty; });
    }

    function setStatus(text) {
      if (status) {
        status.textContent = text;
      }
    }

    function showError(text) {
      if (!error) {
        return;
      }
      error.textContent = text;
      error.hidden = !text;
    }

    function render() {
      if (!preview || !url) {
        return;
      }
      var text = input.value;
      if (text === lastRendered) {
        return;
      }
      if (controller) {
        controller.abort();
      }
      controller = typeof AbortController === "function" ? new AbortController() : null;
      var mine = ++sequence;
      var body = new URLSearchParams();
      body.set("markdown", text);
      preview.setAttribute("aria-busy", "true");
      setStatus(message(root, "updating"));
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
          "Accept": "application/json",
          "X-CSRFToken": csrfToken(root)
        },
        body: body.toString(),
        signal: controller ? controller.signal : undefined
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (data) {
          if (mine !== sequence) {
            return; // An answer to an older text: a newer request is on its way.
          }
          // The server renders with raw HTML off and sanitizes the result.
          preview.innerHTML = typeof data.html === "string" ? data.html : "";
          lastRendered = text;
          showError("");
          setStatus(message(root, "updated"));
          preview.setAttribute("aria-busy", "false");
        })
        .catch(function (failure) {
          if (failure && failure.name === "AbortError") {
            return;
          }
          if (mine !== sequence) {
            return;
          }
          preview.setAttribute("aria-busy", "false");
          setStatus("");
          showError(message(root, "failed", failure && failure.message ? failure.message : "?"));
        });
    }

    function schedule() {
      if (live && !live.checked) {
        return;
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(render, DELAY_MS);
    }

    input.addEventListener("input", function () {
      showDirty();
      schedule();
    });
    if (live) {
      live.addEventListener("change", function () {
        if (live.checked) {
          render();
        }
      });
    }
    if (refresh) {
      refresh.addEventListener("click", function () {
        window.clearTimeout(timer);
        lastRendered = null;
        render();
      });
    }
    if (form) {
      form.addEventListener("submit", function () {
        submitting = true;
      });
    }
    window.addEventListener("beforeunload", function (event) {
      if (submitting || !isDirty()) {
        return undefined;
      }
      // Browsers show their own text; setting returnValue is what asks for the warning.
      event.preventDefault();
      event.returnValue = "";
      return "";
    });
    // Back/forward cache: a page restored after a submit must warn again.
    window.addEventListener("pageshow", function () {
      submitting = false;
    });

    showDirty();
    render();
  }

  /* A form marked [data-unsaved-guard] (the rebase page) warns before its choices are lost. */
  function setUpGuard(form) {
    var changed = false;
    var submitting = false;
    function mark() { changed = true; }
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () { submitting = true; });
    window.addEventListener("pageshow", function () { submitting = false; });
    window.addEventListener("beforeunload", function (event) {
      if (submitting || !changed) {
        return undefined;
      }
      event.preventDefault();
      event.returnValue = "";
      return "";
    });
  }

  /* Typing in a field marked data-select-on-input="<radio id>" chooses that radio button. */
  function setUpSelectOnInput(field) {
    var radio = document.getElementById(field.getAttribute("data-select-on-input"));
    if (!radio) {
      return;
    }
    field.addEventListener("input", function () {
      if (!radio.checked) {
        radio.checked = true;
        radio.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  function start() {
    each(document, "[data-editor]", setUpEditor);
    each(document, "form[data-unsaved-guard]", setUpGuard);
    each(document, "[data-select-on-input]", setUpSelectOnInput);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
