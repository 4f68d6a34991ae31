//===- Main.cpp - the command line of compiled models ---------------------===//
//
// Linked into every executable alexc makes. The model (parameters, input,
// recipe) comes from the descriptor the compiler embedded; each command is
// in runtime/commands/.
//
//===----------------------------------------------------------------------===//

#include "runtime/commands/Commands.h"
#include "runtime/model/Session.h"
#include "runtime/replicas/Replicas.h"
#include "runtime/support/Progress.h"
#include "runtime/support/StopSignals.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

using namespace alexrt;

namespace {

const char *kUsage = R"(usage: %s <command> [options]

commands:
  train    train the model; checkpoints to --weights after every epoch
  eval     loss, top-1 and top-5 error of --weights on the test set
  prepare  pack an image dataset's train and val splits once: resized,
           centre-cropped, re-encoded, with the training set's statistics
  export   write --weights' parameters as safetensors (--out FILE, -o FILE)
  import   FILE.safetensors into a new weight file (--weights FILE)
  predict  the top-5 classes of image files (JPEG or PNG, any size) by
           --weights, with 1 or 10 views (--crops); -o FILE.npy also
           writes their logits, and the inputs the network saw as
           FILE.inputs.npy (a row per file that loaded, in order)
  features the last hidden layer's activations of every image of --split
           (val or train) as FILE.npy, labels as FILE.labels.npy (-o)
  neighbours  for query image files, the training images nearest by those
           features, as a PNG contact sheet (the paper's Figure 4; -o
           FILE.png, --count K, default 6)
  kernels  the first convolution's kernels of --weights as a PNG grid, one
           block of rows per tower (the paper's Figure 3; -o FILE.png,
           --layer NAME for another convolution)
  bench    time training steps on synthetic data; prints one JSON line
           (with replicas, also the time the step waited for sums)
           (--profile: then each layer's forward, backward and update
           time, share and GFLOP/s; --data-only: time the data loader
           alone on the model's data)
  info     the model: parameters, input, recipe

A binary compiled with --replicas=R runs train, eval and bench as R
processes: mpirun -np R ./model train ... (replica 0 prints and writes the
checkpoints; each replica reads its share of every batch).

options:
  --weights FILE   weight file to write (train) or read (eval, --resume)
  --data DIR       dataset directory (default: the model's, or Debian's
                   /usr/share/datasets/fashion-mnist); for imagenet an
                   ImageFolder (DIR/train/<class>/*, DIR/val/<class>/*) or
                   list files (DIR/train.txt, DIR/val.txt: "path label")
  --dataset NAME   fashion_mnist, imagenet or synthetic instead of the model's
  --out DIR        prepare: where the packed files go (default: --data);
                   export: the safetensors file to write (also -o)
  --epochs N       epochs to train (default: the model's)
  --limit N        use only the first N training images
  --test-limit N   use only the first N test images
  --crops N        test views: 1 (centre) or 10 (corners, centre, mirrored;
                   default: the model's test_crops)
  --loader-threads N  threads decoding images (default: the cores the
                   training step leaves)
  --log FILE       train: the JSON-lines log of each epoch's figures
                   (default: beside --weights, NAME.log.jsonl)
  --resume         continue training from --weights, bit-exactly (from
                   the next step of a checkpoint taken inside an epoch)
  --checkpoint-every N  train: a checkpoint every N steps as well (one
                   that resumes mid-epoch); Ctrl-C or SIGTERM also writes
                   one after the step, then exits 130 or 143
  --names NAMES    export: alexc (default) or pytorch (the names of the
                   model's `pytorch` section, for load_state_dict)
  --init FILE      train: start a new run from a pretrained model's
                   parameters (an alexc weight file of any model, or
                   safetensors: PyTorch's via tools/pth_to_safetensors.py)
                   where names and shapes agree; the rest start fresh and
                   are named (a new last layer for other classes); momenta
                   start at zero
  --force          let train replace an existing --weights file
  --check-replicas train: after every step, check that every replica holds
                   the same bits of weights and momenta (slow; for tests)
  --seed N         initialisation seed (default: the model's)
  --steps N        bench: timed steps (default 10)
  --warmup N       bench: untimed steps first (default 2)
)";

bool parseOptions(int argc, char **argv, Options &options, std::string &error) {
  static const char *const flags[] = {"resume", "force", "data-only", "profile",
                                      "check-replicas"};
  static const char *const keys[] = {"weights",
                                     "data",
                                     "dataset",
                                     "out",
                                     "epochs",
                                     "limit",
                                     "test-limit",
                                     "seed",
                                     "steps",
                                     "warmup",
                                     "crops",
                                     "loader-threads",
                                     "log",
                                     "layer",
                                     "count",
                                     "split",
                                     "checkpoint-every",
                                     "init",
                                     "names"};
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-o")
      arg = "--out";
    if (arg.rfind("-", 0) != 0) {
      options.files.push_back(arg);
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      error = "unknown option '" + arg + "'";
      return false;
    }
    std::string key = arg.substr(2);
    if (std::find(std::begin(flags), std::end(flags), key) != std::end(flags)) {
      options.values[key] = "1";
    } else if (std::find(std::begin(keys), std::end(keys), key) !=
               std::end(keys)) {
      if (i + 1 >= argc) {
        error = "option '" + arg + "' needs a value";
        return false;
      }
      std::string value = argv[++i];
      bool numeric = key != "weights" && key != "data" && key != "dataset" &&
                     key != "out" && key != "log" && key != "layer" &&
                     key != "split" && key != "init" && key != "names";
      if (numeric &&
          (value.empty() || value.size() > 18 ||
           value.find_first_not_of("0123456789") != std::string::npos)) {
        error =
            "option '" + arg + "' needs a whole number, got '" + value + "'";
        return false;
      }
      // Counts where 0 would quietly mean something else (all images,
      // one step, nothing to do).
      static const char *const counts[] = {
          "epochs", "limit",          "test-limit",      "steps",
          "count",  "loader-threads", "checkpoint-every"};
      if (std::find(std::begin(counts), std::end(counts), key) !=
              std::end(counts) &&
          value.find_first_not_of('0') == std::string::npos) {
        error = arg + " must be 1 or more, not " + value;
        return false;
      }
      options.values[key] = value;
    } else {
      error = "unknown option '" + arg + "'";
      return false;
    }
  }
  return true;
}

} // namespace

/// Before the generated code's constructors (priority 123: the CUDA target
/// loads its kernels there) and any thread they start.
__attribute__((constructor(101))) static void blockStopSignalsFirst() {
  blockStopSignals();
}

int main(int argc, char **argv) {
  watchStopSignals();
  // A failed check of a binary built with `alexc compile --check-bounds`
  // puts() its message and aborts: line buffering keeps the message.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  if (argc < 2 || !std::strcmp(argv[1], "--help") ||
      !std::strcmp(argv[1], "-h")) {
    std::fprintf(argc < 2 ? stderr : stdout, kUsage, argv[0]);
    return argc < 2 ? 1 : 0;
  }
  Options options;
  std::string error;
  if (!parseOptions(argc, argv, options, error))
    return fail(error + " (see --help)");
  Session session;
  if (Status read = session.readModel(); !read.ok())
    return fail(read.message());
  std::string command = argv[1];
  if (options.has("init") && command != "train")
    return fail("--init applies to train (the parameters a new run starts "
                "from)");
  if (options.has("names") && command != "export")
    return fail("--names applies to export (the names it writes)");
  if (!options.files.empty() && command != "import" && command != "predict" &&
      command != "neighbours")
    return fail("unexpected argument '" + options.files.front() +
                "' (see --help)");
  // A replicated binary runs these as one process of an MPI job each. It
  // joins the job before opening the target: its GPUs depend on its place
  // on its machine.
  bool job = command == "train" || command == "eval" || command == "bench";
  if (job)
    if (Status joined = joinReplicaJob(session.model()); !joined.ok())
      return endReplicaJob(fail(joined.message()));
  // Commands that run no step use host memory alone: no device needed.
  bool hostOnly = command == "info" || command == "export" ||
                  command == "import" || command == "kernels" ||
                  command == "prepare";
  if (Status opened = session.open(!hostOnly); !opened.ok())
    return endReplicaJob(fail(opened.message()));
  if (job) {
    if (Status sums = openReplicaSums(session.model()); !sums.ok())
      return endReplicaJob(fail(sums.message()));
    Progress::shown() = replicaIndex() == 0;
    int code = command == "train"  ? train(session, options)
               : command == "eval" ? eval(session, options)
                                   : bench(session, options);
    // A replica that failed alone would leave the others waiting.
    return endReplicaJob(code);
  }
  if (command == "info")
    return info(session);
  if (command == "prepare")
    return prepare(session.model(), options);
  if (command == "export")
    return exportWeights(session, options);
  if (command == "import")
    return importWeights(session, options);
  if (command == "kernels")
    return kernels(session, options);
  if (command == "predict")
    return predict(session, options);
  if (command == "features")
    return features(session, options);
  if (command == "neighbours")
    return neighbours(session, options);
  return fail("unknown command '" + command + "' (see --help)");
}
