namespace Portcullis.Face.Pipeline;

/// <summary>A rectangle in image pixels, in doubles as face-api computes it (JavaScript numbers).</summary>
public readonly record struct Box(double X, double Y, double Width, double Height)
{
    public double Right => X + Width;

    public double Bottom => Y + Height;

    public Box Floor() => new(Math.Floor(X), Math.Floor(Y), Math.Floor(Width), Math.Floor(Height));

    /// <summary>face-api's <c>clipAtImageBorders</c>: the part inside the image, floored to whole pixels.</summary>
    public Box ClipAtImageBorders(int imageWidth, int imageHeight)
    {
        var x = Math.Max(X, 0);
        var y = Math.Max(Y, 0);
        return new Box(x, y, Math.Min(Right - x, imageWidth - x), Math.Min(Bottom - y, imageHeight - y)).Floor();
    }
}
