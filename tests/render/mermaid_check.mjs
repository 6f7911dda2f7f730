// Parse a Mermaid diagram from stdin with the real Mermaid parser; print what it understood as JSON.
// Exit status 1 (and {"ok": false}) when Mermaid rejects the text.
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

let src = "";
for await (const chunk of process.stdin) src += chunk;
try {
  await mermaid.parse(src);
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(src);
  const db = diagram.db;
  const vertices = [...db.getVertices().values()].map((v) => ({
    id: v.id, text: v.text, type: v.type, classes: v.classes, styles: v.styles,
  }));
  const edges = db.getEdges().map((e) => ({ start: e.start, end: e.end, text: e.text, stroke: e.stroke }));
  const classes = Object.fromEntries([...db.getClasses().entries()].map(([k, c]) => [k, c.styles]));
  console.log(JSON.stringify({ ok: true, type: diagram.type, vertices, edges, classes }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String((e && e.message) || e).slice(0, 500) }));
  process.exitCode = 1;
}
