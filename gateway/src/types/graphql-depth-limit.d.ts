// Types for graphql-depth-limit written against our graphql 16: @types/graphql-depth-limit
// depends on graphql 14, which put a second graphql in the tree for types that are all `any`.
declare module 'graphql-depth-limit' {
  import type { ValidationRule } from 'graphql';

  interface Options {
    /** Fields whose selections are not counted: names, patterns, or a test of the field name. */
    ignore?: string | RegExp | ((fieldName: string) => boolean) | Array<string | RegExp | ((fieldName: string) => boolean)>;
  }

  /** A validation rule that refuses operations nested deeper than `maxDepth`. */
  function depthLimit(maxDepth: number, options?: Options, callback?: (queryDepths: Record<string, number>) => void): ValidationRule;

  export = depthLimit;
}
