# The smallest run of each study command that still does its work, for the
# tests that run every command (tests/cli/test_common_options.py and
# tests/test_plain_install.py).
TINY_RUNS = {
    "errors": ["errors", "--dataset", "wine"],
    "spurious": ["spurious", "--patterns", "S3", "--n-examples", "0,5",
                 "--n-seeds", "1", "--models", "logistic"],
    "difficulty": ["difficulty", "--n-seeds", "4", "--max-epochs", "1",
                   "--n-samples", "60", "--k", "5", "--scores",
                   "loss,margin"],
    "reciprocity": ["reciprocity", "--max-epochs", "1", "--n-individuals", "5"],
}
