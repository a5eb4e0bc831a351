/**
 * An empty plain object (prototype `Object.prototype`) made by a constructor, not by `{}`: V8
 * shrinks a constructor's objects to the properties they get (often one to three here), where
 * `{}` always reserves room for four. Rows and examples are built with it: on a large dataset
 * their fields are a good part of the memory.
 */
export function plainRecord(): Record<string, unknown> {
  return new PlainRecord();
}

const PlainRecord = function PlainRecord() {} as unknown as new () => Record<string, unknown>;
PlainRecord.prototype = Object.prototype;
