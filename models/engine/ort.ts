// The one way into onnxruntime-node (ESLint refuses the package anywhere else): its telemetry is switched off first.
// ES imports run in order, so ort-telemetry.ts has set ORT_DISABLE_TELEMETRY before onnxruntime-node is loaded.
import './ort-telemetry';

export * as ort from 'onnxruntime-node';
