/**
 * The shapes the editor works with. They are Flowise's (packages/components/src/Interface.ts and the
 * canvas's flowData, i.e. React Flow's `toObject()` with Flowise data on each node), so what the editor
 * saves is what Flowise exports and imports.
 */

export interface ParamOption {
  label: string;
  name: string;
  description?: string;
}

/** One input of a catalogue node (`INodeParams`); `id` is set once the input belongs to a canvas node. */
export interface NodeParam {
  label: string;
  name: string;
  type: string;
  id?: string;
  default?: string | number | boolean;
  description?: string;
  placeholder?: string;
  optional?: boolean;
  additionalParams?: boolean;
  options?: ParamOption[];
  rows?: number;
  step?: number;
  list?: boolean;
  acceptVariable?: boolean;
  hidden?: boolean;
  credentialNames?: string[];
  /** `asyncOptions`: the load method `POST /api/v1/node-load-method/:name` runs. */
  loadMethod?: string;
  /** `file`: accepted extensions, comma-separated (`.pdf`). */
  fileType?: string;
  /** `datagrid`: the grid's columns. */
  datagrid?: DatagridColumn[];
  /** `array`: the fields of one item. */
  array?: ArrayItemField[];
}

/** A column of a `datagrid` param (Flowise's MUI DataGrid column). */
export interface DatagridColumn {
  field: string;
  headerName: string;
  type?: string;
  valueOptions?: string[];
  editable?: boolean;
  flex?: number;
}

/** A field of one item of an `array` param. */
export interface ArrayItemField {
  label: string;
  name: string;
  type: string;
  options?: ParamOption[];
  default?: string | number | boolean;
  placeholder?: string;
  description?: string;
}

export interface CatalogueOutput {
  label: string;
  name: string;
  baseClasses: string[];
  description?: string;
}

/** A node definition as `GET /api/v1/nodes` serves it (`INode`). */
export interface CatalogueNode {
  label: string;
  name: string;
  version: number;
  type: string;
  icon: string;
  category: string;
  description: string;
  baseClasses: string[];
  credential?: NodeParam;
  inputs: NodeParam[];
  outputs?: CatalogueOutput[];
}

export interface CredentialSchema {
  label: string;
  name: string;
  description?: string;
  inputs: Array<{ label: string; name: string; type: string; optional?: boolean; description?: string; placeholder?: string; default?: string }>;
}

export interface OutputOption {
  id: string;
  name: string;
  label: string;
  type: string;
  description?: string;
}

/** A node's output handle, or (multi-output nodes) an `options` anchor whose chosen option is the handle. */
export interface OutputAnchor {
  id?: string;
  name: string;
  label: string;
  type: string;
  description?: string;
  default?: string;
  options?: OutputOption[];
}

export interface NodeData {
  id: string;
  label: string;
  version: number;
  name: string;
  type: string;
  baseClasses: string[];
  category: string;
  description: string;
  inputParams: NodeParam[];
  inputAnchors: NodeParam[];
  inputs: Record<string, unknown>;
  outputAnchors: OutputAnchor[];
  outputs: Record<string, unknown>;
  credential?: string;
  selected?: boolean;
  [extra: string]: unknown;
}

export type XY = { x: number; y: number };

/** A node of saved flowData (React Flow 11 fields included). */
export interface FlowNode {
  id: string;
  type: string;
  position: XY;
  data: NodeData;
  width?: number;
  height?: number;
  positionAbsolute?: XY;
  selected?: boolean;
  dragging?: boolean;
}

export interface FlowEdge {
  id: string;
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
  type?: string;
  data?: Record<string, unknown>;
  selected?: boolean;
}

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** A chatflow's `flowData`, parsed. */
export interface FlowJson {
  nodes: FlowNode[];
  edges: FlowEdge[];
  viewport?: Viewport;
}
