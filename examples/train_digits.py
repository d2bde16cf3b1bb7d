"""Train a 64-64-10 MLP on scikit-learn's digits with SGD, Adam (numpy) and K-FAC.

    pip install 'ngproof[examples]'      # scikit-learn, for the data set it ships
    python examples/train_digits.py [--steps 200] [--svg digits.svg]

Prints the loss at a few steps and the seconds of updates, and writes the
loss-against-steps and loss-against-time plot as an SVG file.
"""

import argparse

from ngproof.bench.digits import compare, plot_svg, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--svg", default="digits_training.svg")
    args = parser.parse_args()
    name, results = compare(steps=args.steps)
    print(f"data: {name}")
    print("\n".join(summary(results)))
    with open(args.svg, "w", encoding="utf-8") as out:
        out.write(plot_svg(name, results))
    print(f"plot written to {args.svg}")


if __name__ == "__main__":
    main()
