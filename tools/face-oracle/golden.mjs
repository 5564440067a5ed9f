// Golden outputs of face-api's face pipeline, stage by stage, for the C# port's tests.
//
//   node golden.mjs --out DIR IMAGE...
//
// For every image it runs the public call
//   detectAllFaces(img, SsdMobilenetv1Options({minConfidence: 0.5})).withFaceLandmarks().withFaceDescriptors()
// and, separately, the same pipeline one stage at a time through face-api's exported pieces, dumping each
// network's input and output. The stage-by-stage results must equal the public call's or we exit 1, so the
// dumps are known to be what face-api itself computes. See README.md for the output layout.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
// The node-wasm build takes @tensorflow/tfjs as an external (no bundled copy), so the tf we drive and the one
// face-api uses are the same instance; we still only use faceapi.tf so `instanceof tf.Tensor` checks inside
// face-api hold.
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
const { setWasmPaths } = require('@tensorflow/tfjs-backend-wasm');
// JPEGs are decoded by libjpeg-turbo's decoder (mozjpeg built to wasm), as a browser and SkiaSharp decode them: bit for bit
// the pixels Portcullis's own decoder gives. (jpeg-js, a pure-JavaScript decoder, upsamples colour differently, which moves
// face crops by a pixel and descriptors by up to 0.2: the descriptor is that sensitive to where the crop falls.)
const { default: decodeJpeg, init: initJpeg } = await import('@jsquash/jpeg/decode.js');
await initJpeg(await WebAssembly.compile(fs.readFileSync(require.resolve('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm'))));
const { tf } = faceapi;

const MIN_CONFIDENCE = 0.5; // the options the C# port uses
const MAX_RESULTS = 100; // SsdMobilenetv1Options default
const IOU_THRESHOLD = 0.5; // hard-coded in SsdMobilenetv1.locateFaces
const TOLERANCE = 1e-6;

const { values: args, positionals: images } = parseArgs({ options: { out: { type: 'string' } }, allowPositionals: true });
if (!args.out || images.length === 0) {
  console.error('usage: node golden.mjs --out DIR IMAGE...');
  process.exit(2);
}
if (os.endianness() !== 'LE') throw new Error('.f32 files are written in host order, which must be little-endian');

const failures = [];
function check(ok, what) {
  if (!ok) failures.push(what);
}
function checkClose(a, b, what) {
  const x = Array.from(a);
  const y = Array.from(b);
  if (x.length !== y.length) return failures.push(`${what}: length ${x.length} != ${y.length}`);
  const worst = x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
  if (!(worst <= TOLERANCE)) failures.push(`${what}: max |diff| ${worst}`);
}

function writeF32(dir, name, data) {
  const f = Float32Array.from(data);
  fs.writeFileSync(path.join(dir, `${name}.f32`), Buffer.from(f.buffer, f.byteOffset, f.byteLength));
}
const rect = (b) => ({ x: b.x, y: b.y, width: b.width, height: b.height });

// ---- SSD internals. mobileNetV1, predictionLayer and outputLayer are not exported by face-api; these are
// line-for-line copies of src/ssdMobilenetv1/*.ts so we can see the prediction layer's raw output. The decoded
// boxes/scores are checked against nets.ssdMobilenetv1.forwardInput, which proves the copy.
const BN_EPSILON = 0.0010000000474974513;
const pointwise = (x, p, strides) => tf.clipByValue(tf.add(tf.conv2d(x, p.filters, strides, 'same'), p.batch_norm_offset), 0, 6);
const depthwise = (x, p, strides) => tf.clipByValue(
  tf.batchNorm(tf.depthwiseConv2d(x, p.filters, strides, 'same'), p.batch_norm_mean, p.batch_norm_variance, p.batch_norm_offset, p.batch_norm_scale, BN_EPSILON),
  0,
  6,
);
const conv = (x, p) => tf.add(tf.conv2d(x, p.filters, [1, 1], 'same'), p.bias);

function mobileNetV1(x, params) {
  let out = pointwise(x, params.conv_0, [2, 2]);
  let conv11;
  for (let layer = 1; layer <= 13; layer++) {
    const strides = [2, 4, 6, 12].includes(layer) ? [2, 2] : [1, 1];
    out = depthwise(out, params[`conv_${layer}`].depthwise_conv, strides);
    out = pointwise(out, params[`conv_${layer}`].pointwise_conv, [1, 1]);
    if (layer === 11) conv11 = out;
  }
  return { out, conv11 };
}

function predictionLayer(x, conv11, params) {
  const c = [];
  let prev = x;
  for (let i = 0; i < 8; i++) prev = c[i] = pointwise(prev, params[`conv_${i}`], i % 2 ? [2, 2] : [1, 1]);
  const sources = [conv11, x, c[1], c[3], c[5], c[7]];
  const preds = sources.map((src, i) => {
    const p = params[`box_predictor_${i}`];
    return {
      box: tf.reshape(conv(src, p.box_encoding_predictor), [src.shape[0], -1, 1, 4]),
      cls: tf.reshape(conv(src, p.class_predictor), [src.shape[0], -1, 3]),
    };
  });
  return { boxPredictions: tf.concat(preds.map((p) => p.box), 1), classPredictions: tf.concat(preds.map((p) => p.cls), 1) };
}

function outputLayer(boxPredictions, classPredictions, params) {
  // anchors (extra_dim) are [ymin, xmin, ymax, xmax]; encodings are [ty, tx, th, tw] with scales 10, 10, 5, 5
  const a = tf.unstack(tf.transpose(tf.reshape(params.extra_dim, [-1, 4]), [1, 0]));
  const sizes = [tf.sub(a[2], a[0]), tf.sub(a[3], a[1])];
  const centers = [tf.add(a[0], tf.div(sizes[0], 2)), tf.add(a[1], tf.div(sizes[1], 2))];
  const e = tf.unstack(tf.transpose(tf.reshape(boxPredictions, [-1, 4]), [1, 0]));
  const halfH = tf.div(tf.mul(tf.exp(tf.div(e[2], 5)), sizes[0]), 2);
  const cy = tf.add(tf.mul(tf.div(e[0], 10), sizes[0]), centers[0]);
  const halfW = tf.div(tf.mul(tf.exp(tf.div(e[3], 5)), sizes[1]), 2);
  const cx = tf.add(tf.mul(tf.div(e[1], 10), sizes[1]), centers[1]);
  const boxes = tf.transpose(tf.stack([tf.sub(cy, halfH), tf.sub(cx, halfW), tf.add(cy, halfH), tf.add(cx, halfW)]), [1, 0]);
  // class 0 is background; the face score is sigmoid of class 1 (class 2 is unused)
  const scores = tf.reshape(tf.sigmoid(tf.slice(classPredictions, [0, 0, 1], [-1, -1, 1])), [-1]);
  return { boxes, scores };
}

// src/ssdMobilenetv1/nonMaxSuppression.ts (not exported; faceapi.nonMaxSuppression is a different one)
function nonMaxSuppression(boxes, scores, maxOutputSize, iouThreshold, scoreThreshold) {
  const iou = (i, j) => {
    const [yminI, xminI, ymaxI, xmaxI] = [Math.min(boxes[i][0], boxes[i][2]), Math.min(boxes[i][1], boxes[i][3]), Math.max(boxes[i][0], boxes[i][2]), Math.max(boxes[i][1], boxes[i][3])];
    const [yminJ, xminJ, ymaxJ, xmaxJ] = [Math.min(boxes[j][0], boxes[j][2]), Math.min(boxes[j][1], boxes[j][3]), Math.max(boxes[j][0], boxes[j][2]), Math.max(boxes[j][1], boxes[j][3])];
    const areaI = (ymaxI - yminI) * (xmaxI - xminI);
    const areaJ = (ymaxJ - yminJ) * (xmaxJ - xminJ);
    if (areaI <= 0 || areaJ <= 0) return 0.0;
    const inter = Math.max(Math.min(ymaxI, ymaxJ) - Math.max(yminI, yminJ), 0.0) * Math.max(Math.min(xmaxI, xmaxJ) - Math.max(xminI, xminJ), 0.0);
    return inter / (areaI + areaJ - inter);
  };
  const outputSize = Math.min(maxOutputSize, boxes.length);
  const candidates = scores
    .map((score, boxIndex) => ({ score, boxIndex }))
    .filter((c) => c.score > scoreThreshold)
    .sort((c1, c2) => c2.score - c1.score);
  const selected = [];
  for (const c of candidates) {
    if (selected.length >= outputSize) break;
    const originalScore = c.score;
    for (let j = selected.length - 1; j >= 0; --j) {
      const v = iou(c.boxIndex, selected[j]);
      if (v === 0.0) continue;
      c.score *= v <= iouThreshold ? 1 : 0;
      if (c.score <= scoreThreshold) break;
    }
    if (originalScore === c.score) selected.push(c.boxIndex);
  }
  return selected;
}

// ---- one image
async function run(file, outRoot) {
  const { width, height, data: rgba } = await decodeJpeg(fs.readFileSync(file));
  const data = new Uint8Array(width * height * 3);
  for (let i = 0, o = 0; i < rgba.length; i += 4) {
    data[o++] = rgba[i];
    data[o++] = rgba[i + 1];
    data[o++] = rgba[i + 2];
  }
  const img = tf.tensor3d(data, [height, width, 3], 'int32');
  const name = path.basename(file, path.extname(file));
  const dir = path.join(outRoot, name);
  fs.mkdirSync(dir, { recursive: true });
  // the decoded pixels, so a C# test can start from exactly what face-api was given
  fs.writeFileSync(path.join(dir, 'image_rgb.u8'), data);

  // the reference: face-api's public call
  const api = await faceapi
    .detectAllFaces(img, new faceapi.SsdMobilenetv1Options({ minConfidence: MIN_CONFIDENCE, maxResults: MAX_RESULTS }))
    .withFaceLandmarks()
    .withFaceDescriptors();

  // 1. SSD
  const ssdNet = faceapi.nets.ssdMobilenetv1;
  const netInput = await faceapi.toNetInput(img);
  const t = tf.tidy(() => {
    const batch = tf.cast(netInput.toBatchTensor(512, false), 'float32'); // [1,512,512,3], 0..255, pad bottom/right
    const x = tf.sub(tf.div(batch, 127.5), 1);
    const features = mobileNetV1(x, ssdNet.params.mobilenetv1);
    const { boxPredictions, classPredictions } = predictionLayer(features.out, features.conv11, ssdNet.params.prediction_layer);
    return { batch, boxPredictions, classPredictions, ...outputLayer(boxPredictions, classPredictions, ssdNet.params.output_layer) };
  });
  // read outside tidy: tidy walks whatever it returns, and a 5118-long nested array is slow to walk
  const ssd = {
    input: t.batch.dataSync(),
    boxEncodings: t.boxPredictions.dataSync(),
    classPredictions: t.classPredictions.dataSync(),
    boxes: t.boxes.arraySync(),
    scores: Array.from(t.scores.dataSync()),
  };
  tf.dispose(Object.values(t));
  {
    const ref = ssdNet.forwardInput(netInput);
    checkClose(ssd.boxes.flat(), ref.boxes[0].dataSync(), `${name}: ssd boxes vs forwardInput`);
    checkClose(ssd.scores, ref.scores[0].dataSync(), `${name}: ssd scores vs forwardInput`);
    tf.dispose([ref.boxes, ref.scores]);
  }
  writeF32(dir, 'ssd_input', ssd.input);
  writeF32(dir, 'ssd_box_encodings', ssd.boxEncodings);
  writeF32(dir, 'ssd_class_predictions', ssd.classPredictions);
  writeF32(dir, 'ssd_boxes', ssd.boxes.flat());
  writeF32(dir, 'ssd_scores', ssd.scores);

  // NMS, then SsdMobilenetv1.locateFaces' rescale: boxes are relative to the 512 square that the image was
  // padded into, so multiply by 512/reshaped (reshaped = round(side * 512 / max side)), clipping to [0,1] first.
  const indices = nonMaxSuppression(ssd.boxes, ssd.scores, MAX_RESULTS, IOU_THRESHOLD, MIN_CONFIDENCE);
  const reshaped = netInput.getReshapedInputDimensions(0);
  const padX = 512 / reshaped.width;
  const padY = 512 / reshaped.height;
  const detections = indices.map((i) => {
    const b = ssd.boxes[i];
    const [top, bottom] = [Math.max(0, b[0]), Math.min(1.0, b[2])].map((v) => v * padY);
    const [left, right] = [Math.max(0, b[1]), Math.min(1.0, b[3])].map((v) => v * padX);
    return new faceapi.FaceDetection(ssd.scores[i], new faceapi.Rect(left, top, right - left, bottom - top), { width, height });
  });
  check(detections.length === api.length, `${name}: ${detections.length} detections, public API has ${api.length}`);

  // 2-4 per face
  const faces = [];
  for (const [i, det] of detections.entries()) {
    const ref = api[i];
    if (!ref) break;
    checkClose([det.score, ...Object.values(rect(det.box))], [ref.detection.score, ...Object.values(rect(ref.detection.box))], `${name}[${i}]: detection`);

    // 2. landmarks on the detection's crop (forSize round-trip, clipAtImageBorders, floor — as extractFaceTensors)
    const landmarkCrop = det.forSize(width, height).box.clipAtImageBorders(width, height);
    const [face] = await faceapi.extractFaceTensors(img, [det]);
    const lmInput = await faceapi.toNetInput(face);
    const lmNet = faceapi.nets.faceLandmark68Net;
    const lm = tf.tidy(() => {
      const input = lmInput.toBatchTensor(112, true); // centred pad to square, resize to 112, 0..255
      const raw = lmNet.runNet(lmInput); // [1,136] = x0,y0,x1,y1,... relative to the padded 112 square
      const rel = lmNet.postProcess(raw, 112, [{ width: face.shape[1], height: face.shape[0] }]);
      return { input: input.dataSync(), raw: raw.dataSync(), rel: Array.from(rel.dataSync()) };
    });
    face.dispose();
    const unshifted = new faceapi.FaceLandmarks68(
      Array.from({ length: 68 }, (_, k) => new faceapi.Point(lm.rel[2 * k], lm.rel[2 * k + 1])),
      { width: landmarkCrop.width, height: landmarkCrop.height },
    );
    // extendWithFaceLandmarks shifts by the detection box as is (unfloored), not by the integer crop origin
    const landmarks = unshifted.shiftBy(det.box.x, det.box.y);
    checkClose(landmarks.positions.flatMap((p) => [p.x, p.y]), ref.landmarks.positions.flatMap((p) => [p.x, p.y]), `${name}[${i}]: landmarks`);

    // 3. dlib alignment
    const alignedBox = landmarks.align(null, { useDlibAlignment: true });

    // 4. descriptor on the aligned crop
    const descriptorCrop = alignedBox.clipAtImageBorders(width, height);
    const [aligned] = await faceapi.extractFaceTensors(img, [alignedBox]);
    const recInput = await faceapi.toNetInput(aligned);
    const rec = tf.tidy(() => ({
      input: recInput.toBatchTensor(150, true).dataSync(),
      descriptor: faceapi.nets.faceRecognitionNet.forwardInput(recInput).dataSync(),
    }));
    aligned.dispose();
    checkClose(rec.descriptor, ref.descriptor, `${name}[${i}]: descriptor`);

    writeF32(dir, `landmark_input_${i}`, lm.input);
    writeF32(dir, `landmark_raw_${i}`, lm.raw);
    writeF32(dir, `recognition_input_${i}`, rec.input);
    writeF32(dir, `descriptor_${i}`, rec.descriptor);
    faces.push({
      detection: { score: det.score, box: rect(det.box) },
      landmarkCrop: rect(landmarkCrop),
      landmarks: landmarks.positions.map((p) => [p.x, p.y]),
      alignedBox: rect(alignedBox),
      descriptorCrop: rect(descriptorCrop),
      descriptor: Array.from(rec.descriptor),
    });
  }
  img.dispose();

  const result = {
    image: { width, height },
    ssd: {
      inputSize: 512,
      reshaped: { width: reshaped.width, height: reshaped.height },
      count: ssd.scores.length,
      detections: detections.map((d) => ({ score: d.score, box: rect(d.box) })),
    },
    faces,
    versions: versions(),
  };
  fs.writeFileSync(path.join(dir, 'result.json'), `${JSON.stringify(result, null, 1)}\n`);
  return { name, faces: faces.length };
}

function versions() {
  return {
    'face-api': faceapi.version,
    tfjs: tf.version.tfjs,
    backend: tf.getBackend(),
    wasmSimd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    wasmThreads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
  };
}

// ---- main
const started = Date.now();
setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend did not initialise');
await tf.ready();
const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);

fs.mkdirSync(args.out, { recursive: true });
// the anchors are the same for every image: [5118,4] = ymin, xmin, ymax, xmax in the 512 square, relative
writeF32(args.out, 'ssd_anchors', faceapi.nets.ssdMobilenetv1.params.output_layer.extra_dim.dataSync());
for (const file of images) {
  const { name, faces } = await run(file, args.out);
  console.log(`${name}: ${faces} face(s)`);
}
console.log(`${images.length} image(s) in ${((Date.now() - started) / 1000).toFixed(1)} s, ${JSON.stringify(versions())}`);
if (failures.length) {
  console.error(`stage-by-stage results differ from the public API:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
