import type { DataType, TensorInfo } from '@tensorflow/tfjs';

/** Per-tensor record the wasm backend keeps for each data id (internal to tfjs-backend-wasm). */
export interface WasmTensorData {
  id: number;
  memoryOffset: number;
  shape: number[];
  dtype: DataType;
  refCount: number;
}

/**
 * The part of tfjs-backend-wasm's `BackendWasm` that runtime kernels use. The class is not
 * exported with these members typed, so kernels cast their `backend` argument to this.
 */
export interface WasmBackendLike {
  dataIdMap: { get(dataId: object): WasmTensorData | undefined };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object, force?: boolean): boolean;
}
