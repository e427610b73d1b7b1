// The parts of mvdan-sh (mvdan/sh compiled to JavaScript) that cli/tools/shellparse.ts uses.
declare module 'mvdan-sh' {
  export interface ShPos {
    Offset(): number;
  }
  export interface ShNode {
    Pos(): ShPos;
    End(): ShPos;
    [field: string]: any;
  }
  export const syntax: {
    NewParser(...options: unknown[]): { Parse(src: string, name: string): ShNode };
    KeepComments(on: boolean): unknown;
    Variant(lang: unknown): unknown;
    LangBash: unknown;
    NodeType(node: ShNode): string;
    Walk(node: ShNode, fn: (node: ShNode | null) => boolean): void;
  };
  const sh: { syntax: typeof syntax };
  export default sh;
}
