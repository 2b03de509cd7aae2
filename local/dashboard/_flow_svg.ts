/**
 * The flow diagram of the dashboard's page: the pipeline's boxes and lines
 * as an SVG whose figures the page's script fills in (by the ids
 * `node-<box>`, `main-<box>`, `sub-<box>`, `edge-<line>`, `label-<line>`).
 * Pure.
 *
 * @module
 */

import type { ResourceDefinition } from "../../lib/resources.ts";
import { escapeHtml } from "./_escape_html.ts";

/** A box of the flow diagram. */
interface Box {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly kind: string;
  readonly title: string;
  readonly name: string;
  readonly tone: "gen" | "s3" | "ddb" | "sqs" | "dlq" | "lambda" | "svc";
}

/** A line of the flow diagram, with the place of its label. */
interface Edge {
  readonly id: string;
  readonly d: string;
  readonly lx: number;
  readonly ly: number;
  readonly tone: Box["tone"];
  readonly anchor?: "start" | "middle" | "end";
}

/** A box at `[x, y, width, height]`. */
function box(
  id: string,
  [x, y, w, h]: readonly [number, number, number, number],
  tone: Box["tone"],
  kind: string,
  title: string,
  name = "",
): Box {
  return { id, x, y, w, h, kind, title, name, tone };
}

/** The boxes, in the order they are painted. */
function boxesOf(resources: ResourceDefinition): Box[] {
  const { bucket, table, uploadQueue, updateQueue, updateFunction } = resources;
  return [
    box("gen", [20, 210, 150, 100], "gen", "PROGRAM", "Generator", "deno task generate"),
    box("s3", [495, 16, 210, 96], "s3", "S3 BUCKET", bucket.name, "the files"),
    box("upload", [245, 210, 190, 100], "sqs", "SQS QUEUE", uploadQueue.name),
    box("lambda", [505, 200, 190, 120], "lambda", "LAMBDA", updateFunction.name),
    box("update", [765, 210, 190, 100], "sqs", "SQS QUEUE", updateQueue.name),
    box("svc", [1030, 210, 150, 100], "svc", "PROGRAM", "Service", "deno task service"),
    box("ddb", [495, 420, 210, 96], "ddb", "DYNAMODB TABLE", table.name, "the items"),
    box("uploadDlq", [260, 388, 160, 66], "dlq", DLQ, uploadQueue.deadLetterQueueName),
    box("updateDlq", [780, 388, 160, 66], "dlq", DLQ, updateQueue.deadLetterQueueName),
  ];
}

const DLQ = "DEAD-LETTER QUEUE";

/** A line along the SVG path `d`, labelled at `[x, y]`. */
function edge(
  id: string,
  d: string,
  [lx, ly]: readonly [number, number],
  tone: Box["tone"],
  anchor?: Edge["anchor"],
): Edge {
  return { id, d, lx, ly, tone, ...(anchor === undefined ? {} : { anchor }) };
}

/** The lines, in the order they are painted. */
const EDGES: readonly Edge[] = [
  edge("gen-s3", "M 95 210 C 95 64, 300 64, 490 64", [300, 84], "s3"),
  edge("gen-ddb", "M 95 310 C 95 540, 300 536, 490 476", [250, 528], "ddb"),
  edge("gen-upload", "M 170 260 L 240 260", [207, 250], "sqs"),
  edge("upload-lambda", "M 435 260 L 500 260", [468, 250], "lambda"),
  edge("lambda-ddb", "M 600 320 L 600 414", [608, 372], "ddb", "start"),
  edge("lambda-update", "M 695 260 L 760 260", [728, 250], "sqs"),
  edge("update-svc", "M 955 260 L 1025 260", [990, 250], "svc"),
  edge("s3-svc", "M 705 64 C 900 64, 1105 64, 1105 205", [900, 84], "s3"),
  edge("ddb-svc", "M 705 476 C 900 536, 1105 540, 1105 315", [950, 528], "ddb"),
  edge("upload-dlq", "M 340 310 L 340 383", [348, 352], "dlq", "start"),
  edge("update-dlq", "M 860 310 L 860 383", [868, 352], "dlq", "start"),
];

/** The flow diagram for the given resource names. */
export function flowSvg(resources: ResourceDefinition): string {
  return `<svg id="flow" viewBox="0 0 1200 545" role="img"
    aria-label="The pipeline: generator, S3, DynamoDB, upload queue, Lambda, update queue, service">
  <defs>
    ${
    ["gen", "s3", "ddb", "sqs", "dlq", "lambda", "svc"].map((tone) =>
      `<marker id="arrow-${tone}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7"
        markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"
        class="arrow tone-${tone}"/></marker>`
    ).join("")
  }
  </defs>
  ${
    EDGES.map((edge) =>
      `<g class="edge tone-${edge.tone}" id="edge-${edge.id}">
    <path class="line" d="${edge.d}" marker-end="url(#arrow-${edge.tone})"/>
    <path class="pulse" d="${edge.d}"/>
    <text class="edge-label" x="${edge.lx}" y="${edge.ly}" text-anchor="${
        edge.anchor ?? "middle"
      }" id="label-${edge.id}">·</text>
  </g>`
    ).join("\n  ")
  }
  ${
    boxesOf(resources).map((box) => {
      const cx = box.x + 14;
      return `<g class="node tone-${box.tone}" id="node-${box.id}">
    <rect class="box" x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}" rx="12"/>
    <rect class="stripe" x="${box.x}" y="${box.y}" width="6" height="${box.h}" rx="3"/>
    <text class="kind" x="${cx}" y="${box.y + 19}">${escapeHtml(box.kind)}</text>
    <text class="title" x="${cx}" y="${box.y + 38}">${escapeHtml(box.title)}</text>
    <text class="main" x="${cx}" y="${box.y + 64}" id="main-${box.id}">–</text>
    <text class="sub" x="${cx}" y="${box.y + 84}" id="sub-${box.id}">${escapeHtml(box.name)}</text>
    ${
        box.id === "lambda"
          ? `<text class="sub" x="${cx}" y="${box.y + 102}" id="sub2-lambda"></text>
    <g id="hist-lambda" transform="translate(${box.x + box.w - 60} ${box.y + 8})"></g>`
          : ""
      }
  </g>`;
    }).join("\n  ")
  }
</svg>`;
}
