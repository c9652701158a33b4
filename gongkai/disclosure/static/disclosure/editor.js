// Issue 16: the body as clerks write it. A plain editing surface replaces the body's textarea: a
// paste from Word/WPS keeps headings, paragraphs, bold/italic, lists and tables and drops the rest
// (the server cleans again with nh3 before storing, so this is a convenience, not the safeguard).
// Without JavaScript the textarea stays and takes Markdown as before.
(function () {
  "use strict";
  var KEEP = { P: 1, BR: 1, STRONG: 1, EM: 1, U: 1, UL: 1, OL: 1, LI: 1, BLOCKQUOTE: 1, H2: 1, H3: 1,
    H4: 1, TABLE: 1, THEAD: 1, TBODY: 1, TR: 1, TH: 1, TD: 1 };
  var RENAME = { H1: "H2", B: "STRONG", I: "EM" };
  var DROP = { SCRIPT: 1, STYLE: 1, XML: 1, HEAD: 1, TITLE: 1, META: 1, TEMPLATE: 1, NOSCRIPT: 1 };

  // Word marks list items as paragraphs styled "mso-list" whose marker is a supportLists block.
  function wordLists(html) {
    return html
      .replace(/<!\[if !supportLists\]>([\s\S]*?)<!\[endif\]>/gi, function (m, marker) {
        return /[0-9一二三四五六七八九十a-zA-Z][.)、．]/.test(marker.replace(/<[^>]+>/g, "")) ? "\u0001ol\u0001" : "\u0001ul\u0001";
      });
  }

  function clean(source, into) {
    // Style sheets, scripts and inline styles/handlers go before parsing: the page's CSP would refuse
    // them anyway, and the parsed document is inert (nothing loads or runs).
    source = source
      .replace(/<(style|script|xml)\b[\s\S]*?<\/\1\s*>/gi, "")
      .replace(/\s(on\w+|style)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, "");
    var doc = new DOMParser().parseFromString(wordLists(source), "text/html");
    var list = null;
    function walk(node, out) {
      node.childNodes.forEach(function (child) {
        if (child.nodeType === 3) {
          out.appendChild(document.createTextNode(child.nodeValue.replace(/\u0001(ol|ul)\u0001/g, "")));
          return;
        }
        if (child.nodeType !== 1 || DROP[child.tagName]) return;
        var tag = RENAME[child.tagName] || child.tagName;
        var marker = /\u0001(ol|ul)\u0001/.exec(child.textContent || "");
        if (tag === "P" && marker && out === into) { // a Word list paragraph: gather into one list
          if (!list || list.tagName.toLowerCase() !== marker[1]) {
            list = document.createElement(marker[1]);
            into.appendChild(list);
          }
          var li = document.createElement("li");
          walk(child, li);
          list.appendChild(li);
          return;
        }
        if (out === into) list = null;
        if (!KEEP[tag]) { walk(child, out); return; }
        var el = document.createElement(tag);
        ["colspan", "rowspan"].forEach(function (a) {
          if ((tag === "TD" || tag === "TH") && child.getAttribute(a)) el.setAttribute(a, child.getAttribute(a));
        });
        walk(child, el);
        out.appendChild(el);
      });
    }
    walk(doc.body, into);
  }

  document.querySelectorAll("textarea[data-rich-editor]").forEach(function (area) {
    var form = area.form;
    var format = form && form.querySelector("input[name=body_format]");
    var editor = document.createElement("div");
    editor.className = "rich-editor prose";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    var label = form && form.querySelector("label[for='" + area.id + "']");
    editor.id = area.id + "_editor";
    if (label) {
      // A div is not labelable: name the textbox through aria-labelledby, and let the label focus it.
      label.id = label.id || area.id + "_label";
      editor.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", function () { editor.focus(); });
    }
    var start = document.createElement("div");
    clean(area.getAttribute("data-html") || "", start); // server-sanitised already; cleaned again here
    while (start.firstChild) editor.appendChild(start.firstChild);
    area.hidden = true;
    area.parentNode.insertBefore(editor, area);

    var touched = false;
    function sync() {
      touched = true;
      area.value = editor.innerHTML;
      if (format) format.value = "html";
    }
    editor.addEventListener("input", sync);
    editor.addEventListener("paste", function (event) {
      var data = event.clipboardData;
      var html = data && data.getData("text/html");
      if (!html) return; // plain text: the browser pastes it as text
      event.preventDefault();
      var holder = document.createElement("div");
      clean(html, holder);
      var selection = window.getSelection();
      if (!selection.rangeCount) return;
      var range = selection.getRangeAt(0);
      range.deleteContents();
      var fragment = document.createDocumentFragment(), last = null;
      while (holder.firstChild) last = fragment.appendChild(holder.firstChild);
      range.insertNode(fragment);
      if (last) { range.setStartAfter(last); range.collapse(true); selection.removeAllRanges(); selection.addRange(range); }
      sync();
    });
    if (form) form.addEventListener("submit", function () { if (touched) sync(); });
  });
})();
