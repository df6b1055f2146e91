// The browser chat without reloads: the same form, sent with fetch; new messages added in place.
// Without this script every button and the send button are plain form posts that work alike.
(function () {
  "use strict";
  var form = document.getElementById("composer");
  var log = document.getElementById("log");
  var typing = document.getElementById("typing");
  if (!form || !log || !window.fetch || !window.FormData) {
    return;
  }
  var busy = false;

  function lastId() {
    var items = log.querySelectorAll(".msg[data-id]");
    return items.length ? items[items.length - 1].getAttribute("data-id") : "0";
  }

  function counter() {
    var box = document.getElementById("answer");
    var count = document.getElementById("count");
    if (!box || !count || !box.dataset.limit) {
      return;
    }
    var update = function () {
      // Read each time: a kept box takes the next question's limit.
      var limit = parseInt(box.dataset.limit, 10);
      var length = Array.from(box.value.replace(/\r\n/g, "\n")).length;
      count.textContent = box.dataset.count
        .replace("{count}", length.toLocaleString())
        .replace("{limit}", limit.toLocaleString());
      count.classList.toggle("over", length > limit);
    };
    box.addEventListener("input", update);
    update();
  }

  function keys() {
    var box = document.getElementById("answer");
    if (!box) {
      return;
    }
    // Enter keeps its line break; Ctrl+Enter (or ⌘+Enter) sends, as in many chat apps.
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        var send = form.querySelector("button.send");
        if (form.requestSubmit) {
          form.requestSubmit(send);
        }
      }
    });
  }

  function setBusy(on, submitter) {
    busy = on;
    document.querySelectorAll("button").forEach(function (button) {
      if (on) {
        button.dataset.wasDisabled = button.disabled ? "1" : "";
        button.disabled = true;
      } else if (!button.dataset.wasDisabled) {
        button.disabled = false;
      }
    });
    if (!typing) {
      return;
    }
    if (on) {
      var card = submitter && submitter.value === "c|card";
      typing.textContent = card ? typing.dataset.working : typing.dataset.sending;
      typing.hidden = false;
      typing.timer = window.setTimeout(function () {
        typing.textContent = typing.dataset.working;
      }, 1500);
    } else {
      window.clearTimeout(typing.timer);
      typing.hidden = true;
    }
  }

  // Messages not on the page yet (a reply may already be there from an earlier answer).
  function addMessages(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var added = null;
    Array.from(holder.children).forEach(function (message) {
      var id = message.getAttribute("data-id");
      if (id && document.getElementById("m" + id)) {
        return;
      }
      log.appendChild(message);
      added = added || message;
    });
    return added;
  }

  // A card being made after the answer: ask for what arrived until its note is gone.
  var polling = null;
  function watch(note, delay) {
    window.clearTimeout(polling);
    polling = window.setTimeout(function () {
      fetch("/chat/updates?after=" + note + "&pending=" + note, {
        credentials: "same-origin",
        headers: { "X-Requested-With": "jobcard-chat", Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(
          function (json) {
            if (!json) {
              watch(note, Math.min(delay * 2, 10000));
              return;
            }
            if (!json.pending) {
              log.querySelectorAll(".msg.pending").forEach(function (old) {
                old.remove();
              });
            }
            var added = addMessages(json.messages);
            if (added) {
              added.scrollIntoView({ block: "start", behavior: "smooth" });
            }
            if (json.pending) {
              watch(note, Math.min(delay + 500, 4000));
            }
          },
          function () {
            watch(note, Math.min(delay * 2, 10000));
          }
        );
    }, delay);
  }

  function showNotice(message) {
    var notice = document.querySelector(".notice");
    if (!notice) {
      notice = document.createElement("p");
      notice.className = "notice";
      notice.setAttribute("role", "alert");
      form.parentNode.insertBefore(notice, form);
    }
    notice.textContent = message;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) {
      return;
    }
    var submitter = event.submitter || null;
    var data = new FormData(form, submitter);
    var action = (submitter && submitter.getAttribute("formaction")) || form.getAttribute("action");
    var typed = data.get("text") || "";
    var pressed = data.get("payload") !== null;
    if (!pressed && !data.get("resume") && !typed.trim()) {
      return;
    }
    data.set("after", lastId());
    setBusy(true, submitter);
    fetch(action, {
      method: "POST",
      body: new URLSearchParams(data), // URL-encoded, as a plain form post sends it
      credentials: "same-origin",
      headers: { "X-Requested-With": "jobcard-chat", Accept: "application/json" },
    })
      .then(
        function (response) {
          var type = response.headers.get("content-type") || "";
          if (type.indexOf("application/json") === -1) {
            // Refused (a stale form, too large …): say so; the typed text stays in the box.
            return { ok: false, json: { notice: typing ? typing.dataset.failed : "" } };
          }
          return response.json().then(function (json) {
            return { ok: response.ok, json: json };
          });
        },
        function () {
          // The network failed: a plain post keeps everything (the same delivery id, so
          // the service takes it once even if the first attempt arrived).
          setBusy(false);
          form.submit();
          return null;
        }
      )
      .then(function (result) {
        if (result === null) {
          return;
        }
        setBusy(false);
        if (!result.ok) {
          showNotice(result.json.notice || "");
          return;
        }
        var old = document.querySelector(".notice");
        if (old) {
          old.remove();
        }
        var intro = log.querySelector(".intro");
        if (intro && result.json.messages.trim()) {
          intro.remove();
        }
        if (result.json.messages.trim()) {
          log.querySelectorAll(".choices.live button").forEach(function (button) {
            button.disabled = true;
            button.dataset.wasDisabled = "1";
          });
          log.querySelectorAll(".choices.live").forEach(function (choices) {
            choices.classList.remove("live");
          });
        }
        var added = addMessages(result.json.messages);
        // What is in the box now stays when a button was pressed (it was not sent) or when
        // it was changed while the answer was on its way; sent text is in the log.
        var answer = document.getElementById("answer");
        var now = answer ? answer.value : "";
        var changed = now.replace(/\r\n/g, "\n") !== typed.replace(/\r\n/g, "\n");
        var keep = pressed || changed ? now : "";
        if (result.json.box === undefined) {
          // The same kind of box: kept as it is, with the next answer's delivery id and
          // length limit.
          form.elements.delivery.value = result.json.delivery;
          if (answer) {
            if (answer.value !== keep) {
              answer.value = keep;
            }
            if (result.json.limit) {
              answer.dataset.limit = result.json.limit;
            }
            answer.dispatchEvent(new Event("input"));
          }
        } else {
          document.getElementById("box").innerHTML = result.json.box;
          if (keep) {
            document.getElementById("answer").value = keep;
          }
          counter();
          keys();
        }
        if (result.json.pending) {
          watch(result.json.pending, 1000);
        }
        if (added) {
          added.scrollIntoView({ block: "start", behavior: "smooth" });
        }
        answer = document.getElementById("answer");
        if (answer) {
          answer.focus({ preventScroll: true });
        }
      });
  });

  counter();
  keys();
  var waiting = log.querySelector(".msg.pending[data-id]");
  if (waiting) {
    watch(waiting.getAttribute("data-id"), 1000);
  }
  document.documentElement.classList.add("js");
})();
